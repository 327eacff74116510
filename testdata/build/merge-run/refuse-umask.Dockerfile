# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN umask 077
RUN touch /f
