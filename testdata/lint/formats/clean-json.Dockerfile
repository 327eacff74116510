# dffix-test: --fix=none --format=json
FROM alpine:3.20
CMD ["app"]
