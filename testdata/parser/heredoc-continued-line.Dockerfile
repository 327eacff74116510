# dffix-test: --fix=none
FROM scratch
RUN cat <<EOF \
  && echo done
body \
EOF
