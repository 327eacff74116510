# dffix-test: --fix=none
FROM alpine:3.20
COPPY app /app
ONBUILD RUNN make
CMD ["/app"]
