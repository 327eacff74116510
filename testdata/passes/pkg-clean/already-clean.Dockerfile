# dffix-test: --fix=pkg-clean
FROM debian:12
RUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*
RUN yum install -y httpd && yum clean all
RUN apk add --no-cache curl
