# dffix-test: --fix=none --profile=openshift
FROM registry.access.redhat.com/ubi9/ubi:9.4
LABEL io.k8s.display-name="app"
USER 1001
CMD ["/app"]
