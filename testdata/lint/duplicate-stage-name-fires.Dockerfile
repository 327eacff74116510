# dffix-test: --fix=none
FROM golang:1.22 AS build
RUN go build -o /a .
FROM golang:1.22 AS BUILD
RUN go build -o /b .
FROM alpine:3.20
COPY --from=build /a /a
CMD ["/a"]
