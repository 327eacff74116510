# dffix-test: --fix=none
ARG VERSION=3.20
FROM alpine:${VERSON}
FROM ${BASE_IMAGE}:1
CMD ["true"]
