# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN cd /tmp
RUN touch x
