# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN mkdir /a
RUN mkdir /b
# third
RUN mkdir /c
RUN touch /a/x /b/x /c/x
