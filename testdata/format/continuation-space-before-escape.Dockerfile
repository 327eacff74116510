# dffix-test: --fix=none
FROM scratch
RUN a\
  b
RUN c    \
    d
RUN e	\
    f
