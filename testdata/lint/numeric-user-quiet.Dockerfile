# dffix-test: --fix=none --profile=openshift
FROM registry.access.redhat.com/ubi9/ubi:9.4
LABEL io.k8s.description="app" io.k8s.display-name="app" io.openshift.expose-services="" io.openshift.tags="app"
USER root
RUN dnf install -y python3 && dnf clean all
USER 1001:0
CMD ["/app"]
