# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN <<EOF
mkdir /a
EOF
RUN touch /a/x
