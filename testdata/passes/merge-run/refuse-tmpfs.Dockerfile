# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN --mount=type=tmpfs,target=/t touch /t/a
RUN --mount=type=tmpfs,target=/t ls /t > /list
