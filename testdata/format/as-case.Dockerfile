# dffix-test: --fix=none
FROM a as one
FROM b As two
FROM c AS three
FROM d aS four
