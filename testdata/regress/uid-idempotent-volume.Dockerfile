# dffix-test: --profile=openshift
FROM debian:12
WORKDIR /app
VOLUME ["/v"]
WORKDIR /usr/src/app
