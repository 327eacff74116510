# dffix-test: --fix=none
FROM scratch
RUN <<EOF
EOF
RUN <<EOF
hi
EOF 
EOF
