# dffix-test: --fix=maintainer
FROM alpine:3.20
MAINTAINER Jane Doe <jane@example.com>
CMD ["app"]
FROM alpine:3.20
LABEL org.opencontainers.image.authors="team@example.com"
MAINTAINER Jane Doe <jane@example.com>
CMD ["app"]
