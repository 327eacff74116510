# dffix-test: --fix=none
FROM node:20
WORKDIR /app
COPY script-exec-fires.sh ./entrypoint.sh
COPY . .
ENTRYPOINT ["./entrypoint.sh"]
