# dffix-test: --fix=none --profile=openshift
FROM registry.access.redhat.com/ubi9/ubi:9.4
LABEL io.k8s.description="app" io.k8s.display-name="app" io.openshift.expose-services="" io.openshift.tags="app"
RUN useradd -u 1001 -g 0 app
USER app
CMD ["/app"]
