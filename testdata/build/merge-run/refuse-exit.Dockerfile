# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN touch /a; exit 0
RUN touch /b
