# dffix-test: --fix=none
FROM debian:12
RUN apt-get update && \
    apt-get install -y --no-install-recommends curl
# tidy up
RUN apt-get clean && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends jq
COPY app /usr/local/bin/app
RUN rm -rf /var/lib/apt/lists/*
CMD ["app"]
