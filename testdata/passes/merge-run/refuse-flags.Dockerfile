# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN --network=none mkdir /a
RUN touch /a/x
