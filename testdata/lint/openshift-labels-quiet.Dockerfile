# dffix-test: --fix=none --profile=openshift
FROM registry.access.redhat.com/ubi9/ubi:9.4 AS base
LABEL io.k8s.description="A small app" io.k8s.display-name="app"
FROM base
LABEL io.openshift.expose-services="" \
      io.openshift.tags="app,example"
USER 1001
CMD ["/app"]
