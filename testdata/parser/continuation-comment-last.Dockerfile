# dffix-test: --fix=none
FROM scratch
RUN echo a \
  # trailing comment
  && echo b
