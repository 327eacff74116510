# dffix-test: --fix=none
FROM scratch
RUN echo  a  &&  echo  "b  c"  ${X:-d  e} \
      &&  echo f
