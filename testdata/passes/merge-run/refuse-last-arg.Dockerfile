# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN echo hello
RUN echo "$_" > /f
