# dffix-test: --fix=none
FROM alpine:3.20
EXPOSE 8080/TCP 5353/Udp
HEALTHCHECK CMD wget -q -O- localhost:8080
CMD ["app"]
