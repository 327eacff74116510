# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN mkdir /a
# hadolint ignore=DL3059
RUN touch /a/x
# dffix ignore=merge-run
RUN touch /b
