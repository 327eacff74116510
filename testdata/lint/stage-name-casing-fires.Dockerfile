# dffix-test: --fix=none
FROM golang:1.22 AS Build
RUN go build -o /app .
FROM alpine:3.20
COPY --from=Build /app /app
CMD ["/app"]
