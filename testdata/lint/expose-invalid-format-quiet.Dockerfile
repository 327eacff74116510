# dffix-test: --fix=none
FROM alpine:3.20
ARG PORT=8080
EXPOSE $PORT 9000-9010/tcp 5353/sctp 0
HEALTHCHECK CMD wget -q -O- localhost:8080
CMD ["app"]
