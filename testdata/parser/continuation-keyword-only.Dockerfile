# dffix-test: --fix=none
RUN \
  echo hi
FROM \
  alpine   as x
RUN
CMD
RUN echo a\ b
