# dffix-test: --fix=cache-order
FROM alpine:3.19
# dffix ignore=cache-order
COPY app.txt /app/
# hadolint ignore=DL3018
COPY other.txt /app/
RUN apk add curl
