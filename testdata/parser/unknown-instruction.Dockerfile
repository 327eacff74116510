# dffix-test: --fix=none
FROM scratch
foo  bar   baz
ONBUILD  bar  x
RUN echo ok
