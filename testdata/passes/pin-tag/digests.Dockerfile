# dffix-test: --fix=pin-tag --pin alpine=3.19@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef --pin golang=@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
FROM golang:latest AS build

FROM alpine

FROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
LABEL note="a digest pins an image already"

FROM alpine:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
