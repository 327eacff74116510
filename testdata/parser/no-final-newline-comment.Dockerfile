# dffix-test: --fix=none
FROM scratch
# last