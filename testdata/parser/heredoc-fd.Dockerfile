# dffix-test: --fix=none
FROM scratch
RUN 3<<EOF cat /dev/fd/3
three
EOF
