# dffix-test: --fix=none
FROM alpine:3.20
EXPOSE 127.0.0.1:8080:8080 8443:8443 70000 http
HEALTHCHECK CMD wget -q -O- localhost:8080
CMD ["app"]
