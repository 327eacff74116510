# dffix-test: --fix=arbitrary-uid
FROM scratch
WORKDIR /app
COPY app /app/app
USER 1001
