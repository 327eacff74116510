# dffix-test: --fix=none
FROM scratch
RUN cat <<EOF \
# c
  && x
body
EOF
