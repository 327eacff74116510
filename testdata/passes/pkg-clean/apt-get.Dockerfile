# dffix-test: --fix=pkg-clean
FROM debian:12
RUN apt-get update && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl
