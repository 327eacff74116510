# dffix-test: --fix=pkg-clean
FROM debian:12
SHELL ["pwsh", "-Command"]
RUN apt-get install -y curl
