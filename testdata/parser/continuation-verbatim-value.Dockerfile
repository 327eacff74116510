# dffix-test: --fix=none
FROM scratch
WORKDIR /a\
  /b
USER foo \
  bar
STOPSIGNAL SIG\
TERM
MAINTAINER a \
   b
