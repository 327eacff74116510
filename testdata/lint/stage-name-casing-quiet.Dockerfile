# dffix-test: --fix=none
FROM golang:1.22 AS build-env_1.x
RUN go build -o /app .
FROM alpine:3.20
COPY --from=build-env_1.x /app /app
CMD ["/app"]
