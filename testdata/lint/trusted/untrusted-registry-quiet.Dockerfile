# dffix-test: --fix=none
ARG REGISTRY=ghcr.io
FROM quay.io/example/base:1.0 AS build
RUN make
FROM ${REGISTRY}/tools/app:2 AS tools
FROM docker.io/library/alpine:3.20
FROM alpine:3.20
COPY --from=build /app /app
CMD ["/app"]
