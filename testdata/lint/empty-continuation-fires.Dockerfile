# dffix-test: --fix=none
FROM alpine:3.20
RUN apk add --no-cache \
    curl \

    jq
CMD ["jq"]
