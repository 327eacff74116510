# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN mkdir /a
RUN rm -f /x || true
