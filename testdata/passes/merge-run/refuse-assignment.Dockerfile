# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN A=1
RUN echo "$A" > /f
