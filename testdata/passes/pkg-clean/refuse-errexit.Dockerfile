# dffix-test: --fix=pkg-clean
FROM debian:12
RUN set -e; apt-get install -y curl; { false; echo ok; }
