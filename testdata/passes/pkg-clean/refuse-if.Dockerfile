# dffix-test: --fix=pkg-clean
FROM debian:12
RUN if [ -x /usr/bin/apt-get ]; then apt-get install -y curl; fi
