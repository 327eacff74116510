# dffix-test: --fix=none
FROM scratch
RUN echo "a \
   b"
RUN echo 'c  \
  d'
RUN echo "${X:-a \
  b}"
