# dffix-test: --fix=maintainer
FROM alpine:3.20
# Who to ask.
MAINTAINER Jane "JD" Doe <jane@example.com> (costs $5)
RUN echo hi
FROM alpine:3.20 AS second
maintainer team@example.com
