# dffix-test: --fix=pkg-clean
FROM debian:12
# tools
RUN apt-get update && \
    # curl for the health check
    apt-get install -y curl
# after
