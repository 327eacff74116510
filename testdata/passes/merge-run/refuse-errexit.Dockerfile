# dffix-test: --fix=merge-run
FROM busybox:1.36
SHELL ["/bin/sh", "-ec"]
RUN if true; then false; touch /x; fi
RUN touch /y
