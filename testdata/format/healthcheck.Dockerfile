# dffix-test: --fix=none
FROM scratch
HEALTHCHECK --interval=5s \
   cmd   curl  -f  x
healthcheck   none
