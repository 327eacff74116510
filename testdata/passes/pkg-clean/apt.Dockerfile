# dffix-test: --fix=pkg-clean
FROM debian:12
RUN apt update && apt install -y curl
