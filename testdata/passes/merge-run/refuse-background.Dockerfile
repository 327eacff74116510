# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN sleep 1 &
RUN touch /y
