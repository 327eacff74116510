# dffix-test: --fix=arbitrary-uid
FROM golang:1.22 AS build
WORKDIR /src
RUN go build -o /out/app .

FROM ubi9:9.4 AS base
WORKDIR /opt

FROM base
WORKDIR app
COPY --from=build /out/app ./
USER 1001:0
CMD ["./app"]
