# dffix-test: --fix=cache-order
FROM alpine:3.19
COPY requirements.txt /app/
RUN apk add py3-pip

FROM alpine:3.19
COPY repositories /etc/apk/repositories
RUN apk add curl

FROM ubi9:9.4
COPY local.repo /tmp/
RUN yum install -y httpd

FROM alpine:3.19
COPY nginx.conf /etc/nginx/nginx.conf
RUN apk add nginx

FROM alpine:3.19
COPY tool /usr/local/bin/tool
RUN apk add curl

FROM alpine:3.19
COPY app.txt .
RUN apk add curl

FROM alpine:3.19
ARG SRC=app.txt
COPY $SRC /app/
RUN apk add curl
