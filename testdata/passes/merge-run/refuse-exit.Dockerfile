# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN touch /a; exit 0
RUN touch /b
