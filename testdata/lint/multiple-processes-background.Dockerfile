# dffix-test: --fix=none
FROM alpine:3.20
EXPOSE 8080
HEALTHCHECK CMD wget -q -O- localhost:8080
SHELL ["/bin/sh", "-c"]
CMD crond && redis-server & exec httpd -f
