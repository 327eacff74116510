# dffix-test: --fix=arbitrary-uid
FROM localhost/dffix-busybox:latest AS base
WORKDIR /opt

FROM base
WORKDIR app
COPY app.txt .
RUN mkdir logs && touch logs/app.log
USER 1001:0
CMD ["cat", "app.txt"]
