# dffix-test: --fix=none
FROM scratch
RUN a \
  # note

      && b \  
  && c
