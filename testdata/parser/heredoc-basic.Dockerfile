# dffix-test: --fix=none
FROM scratch
run  <<EOF
  echo  hi  

# not a comment
FROM not-an-instruction
EOF
