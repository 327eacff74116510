# dffix-test: --fix=none
FROM a
RUN x
FROM b
