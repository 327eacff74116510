# dffix-test: --fix=arbitrary-uid
FROM localhost/dffix-busybox:latest
WORKDIR /app
COPY app.txt ./
RUN mkdir -p /app/data && \
    echo state > /app/data/state && \
    chmod 600 /app/data/state && \
    chmod 700 /app/data
EXPOSE 8080
# OpenShift runs this with a random UID in group 0
USER 1001
CMD ["cat", "/app/app.txt"]
