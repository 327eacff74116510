# dffix-test: --fix=none
FROM scratch
CMD ["a"] trailing
RUN ["b"]  &&  echo
