# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN mkdir /a \
      /b && \
    touch /a/x
# between
RUN \
  # before the command
  touch /b/y \
    /b/z
