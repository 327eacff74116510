# dffix-test: --fix=arbitrary-uid
FROM ubi9:9.4
WORKDIR /
WORKDIR /tmp
WORKDIR /etc/myapp
WORKDIR $APP_ROOT
VOLUME /data
COPY seed/ /data/
WORKDIR /app
USER 1001
COPY app/ .
