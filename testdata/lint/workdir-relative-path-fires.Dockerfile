# dffix-test: --fix=none
FROM alpine:3.20
WORKDIR app
CMD ["./run"]
