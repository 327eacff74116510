# dffix-test: --fix=none
FROM alpine:3.20
RUN apk add --no-cache \
    curl \
    # a comment line is not an empty line
    jq
CMD ["jq"]
