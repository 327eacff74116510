# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
SHELL ["/bin/sh", "-ec"]
RUN echo a > /a
RUN if true; then touch /b; fi
