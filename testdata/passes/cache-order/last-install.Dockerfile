# dffix-test: --fix=cache-order
FROM debian:12
WORKDIR /app
COPY . .
RUN apt-get update && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates curl && \
    rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y git && apt-get clean
RUN ./configure && make
RUN apt-get install -y vim
