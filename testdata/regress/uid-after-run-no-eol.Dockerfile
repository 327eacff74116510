# dffix-test: --fix=arbitrary-uid
FROM a
WORKDIR /app
RUN x