# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN f() { touch /f; }
RUN touch /g
