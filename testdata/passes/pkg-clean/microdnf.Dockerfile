# dffix-test: --fix=pkg-clean
FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install shadow-utils
