# dffix-test: --profile=openshift
FROM alpine:3.19
WORKDIR /g
CMD ["x"]
WORKDIR /p
