# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN umask 077
RUN touch /f
