# dffix-test: --fix=arbitrary-uid
FROM ubi9:9.4
RUN mkdir -p /var/lib/app/data
# data survives the container
VOLUME ["/var/lib/app/data", "/cache"]
WORKDIR /app
COPY . .
USER 1001
ENTRYPOINT ["/app/start"]
