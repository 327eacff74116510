# dffix-test: --fix=none
FROM golang:1.22 as build
RUN go build -o /app .
FROM alpine:3.20
COPY --from=build /app /app
CMD ["/app"]
