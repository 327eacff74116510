# dffix-test: --fix=maintainer
MAINTAINER before-from@example.com
FROM alpine:3.20
LABEL org.opencontainers.image.authors="team@example.com"
MAINTAINER Jane Doe <jane@example.com>
FROM alpine:3.20
MAINTAINER Jane \"JD\" Doe
