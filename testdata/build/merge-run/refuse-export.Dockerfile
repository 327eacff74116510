# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN export A=1
RUN echo "$A" > /f
