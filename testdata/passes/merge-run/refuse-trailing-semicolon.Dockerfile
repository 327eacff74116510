# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN touch /a;
RUN touch /b
