# dffix-test: --fix=none
FROM debian:12
RUN mkdir -p /var/log/app && ln -sf /dev/stdout /var/log/app/app.log
EXPOSE 8080
HEALTHCHECK CMD curl -f localhost:8080
CMD ["/app", "--log-file=/var/log/app/app.log"]
