# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN cd /tmp
RUN touch x
