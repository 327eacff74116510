# dffix-test: --fix=none
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends supervisor nginx && rm -rf /var/lib/apt/lists/*
EXPOSE 8080 3306
HEALTHCHECK CMD curl -f localhost:8080
CMD ["/usr/bin/supervisord", "-n"]
