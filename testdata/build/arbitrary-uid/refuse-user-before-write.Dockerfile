# dffix-test: --fix=arbitrary-uid
FROM localhost/dffix-busybox:latest
WORKDIR /app
USER 1001
COPY app.txt ./
CMD ["cat", "/app/app.txt"]
