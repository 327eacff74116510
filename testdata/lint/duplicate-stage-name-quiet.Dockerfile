# dffix-test: --fix=none
FROM golang:1.22 AS build-a
RUN go build -o /a .
FROM golang:1.22 AS build-b
RUN go build -o /b .
FROM alpine:3.20
COPY --from=build-a /a /a
COPY --from=build-b /b /b
CMD ["/a"]
