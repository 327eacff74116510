# dffix-test: --fix=none
FROM scratch
copy   <<EOF   /app/conf
key = value   
EOF
COPY <<one.txt <<two.txt /d/
1
one.txt
2
two.txt
