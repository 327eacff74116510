# dffix-test: --fix=maintainer
FROM alpine:3.20
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
CMD ["app"]
