# dffix-test: --fix=arbitrary-uid
FROM localhost/dffix-busybox:latest
VOLUME /data
COPY app.txt /data/
CMD ["cat", "/data/app.txt"]
