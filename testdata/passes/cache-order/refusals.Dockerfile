# dffix-test: --fix=cache-order
FROM alpine:3.19
# a RUN that may read the files
COPY app.txt /app/
RUN ./check.sh
RUN apk add curl

FROM alpine:3.19
# the RUN names the destination
COPY app.txt /app/
RUN cat /app/app.txt && apk add curl

FROM alpine:3.19
ARG V
COPY app.txt /app/${V}/
ENV V=1
RUN apk add curl

FROM alpine:3.19
# package manager configuration
COPY requirements.txt /app/
COPY repositories /etc/apk/repositories
COPY nginx.conf /etc/nginx/nginx.conf
RUN apk add nginx

FROM alpine:3.19
WORKDIR /app
COPY app.txt .
WORKDIR /other
RUN apk add curl

FROM alpine:3.19
COPY --chown=web app.txt /srv/
RUN adduser -D web && apk add curl

FROM alpine:3.19
COPY app.txt /app/
RUN --mount=type=bind,target=/src apk add curl
