# dffix-test: --fix=none --format=sarif
FROM alpine:3.20
CMD ["app"]
