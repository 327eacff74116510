# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN f() { touch /f; }
RUN type f > /t 2>&1 || true
