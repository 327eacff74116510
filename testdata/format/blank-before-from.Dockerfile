# dffix-test: --fix=none
ARG V=1
FROM a
RUN x
FROM b
RUN y
# stage three
# more words
FROM c


# after blank
FROM d
