# dffix-test: --fix=none
FROM alpine:3.20
EXPOSE 8080/tcp 5353/udp 9000
HEALTHCHECK CMD wget -q -O- localhost:8080
CMD ["app"]
