# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN mkdir /a \
      /b && \
    touch /a/x
RUN \
  # comment before the command
  touch /b/y \
    /b/z
