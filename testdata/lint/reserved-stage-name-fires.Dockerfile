# dffix-test: --fix=none
FROM alpine:3.20 AS context
RUN echo hi > /hi
FROM alpine:3.20 AS scratch
CMD ["true"]
