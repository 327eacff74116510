# dffix-test: --profile=openshift
FROM alpine:3.19
WORKDIR /app
foo