# dffix-test: --fix=pkg-clean
FROM debian:12
# hadolint ignore=DL3009
RUN apt-get install -y curl
# dffix ignore=pkg-clean
RUN yum install -y httpd
