# dffix-test: --fix=none
FROM node:20 AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
FROM base
WORKDIR /app
COPY . .
CMD node server.js | tee /proc/1/fd/1
