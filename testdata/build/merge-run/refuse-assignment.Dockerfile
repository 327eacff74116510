# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN A=1
RUN echo "$A" > /f
