# dffix-test: --fix=none
FROM node:20 AS dev
WORKDIR /app
ENTRYPOINT npm run dev
FROM node:20
WORKDIR /app
COPY . .
CMD node server.js
