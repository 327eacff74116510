# dffix-test: --fix=none
FROM scratch
RUN <<EOF
echo hi
EOF
RUN echo after
