# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN set -f
RUN echo /b* > /f
