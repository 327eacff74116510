# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN --mount=type=tmpfs,target=/t touch /t/a
RUN --mount=type=tmpfs,target=/t ls /t > /list
