# dffix-test: --fix=none
ARG VERSION=3.20
ARG BASE_IMAGE
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
FROM alpine:${VERSION}
FROM ${BASE_IMAGE:-alpine}:${VERSION}
FROM ${BASE_IMAGE}:1
CMD ["true"]
