# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN --mount=type=bind,target=/ctx ls -a /ctx > /a
RUN --mount="type=bind,target=/ctx" ls -a /ctx > /b
