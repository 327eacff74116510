# dffix-test: --fix=arbitrary-uid
FROM ubi9:9.4
WORKDIR /app
COPY . .
USER 1001
