# dffix-test: --fix=none
FROM scratch
RUN <<EOF
hi
EOF