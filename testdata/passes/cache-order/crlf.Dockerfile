# dffix-test: --fix=cache-order
FROM alpine:3.19
# app
COPY app.txt /app/
RUN apk add curl
