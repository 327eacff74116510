# dffix-test: --fix=none
FROM scratch
RU\
N echo hi
