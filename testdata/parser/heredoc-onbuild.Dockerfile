# dffix-test: --fix=none
FROM scratch
onbuild   run <<EOF
echo hi
EOF
