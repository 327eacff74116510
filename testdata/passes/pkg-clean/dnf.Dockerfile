# dffix-test: --fix=pkg-clean
FROM fedora:40
RUN dnf install -y httpd
