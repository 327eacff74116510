# dffix-test: --fix=arbitrary-uid
FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
WORKDIR /opt/app
COPY app/ ./
EXPOSE 8080
# drop root: OpenShift picks a random UID in group 0
USER 1001
CMD ["./run"]
