# dffix-test: --fix=none
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends nginx && rm -rf /var/lib/apt/lists/*
HEALTHCHECK CMD curl -f localhost
CMD ["nginx", "-g", "daemon off;"]
