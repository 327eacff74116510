# dffix-test: --fix=maintainer
FROM alpine:3.20
MAINTAINER Jane Doe
