# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN mkdir /a
# hadolint ignore=DL3003
RUN touch /a/x
