# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN set -e
RUN touch /g
