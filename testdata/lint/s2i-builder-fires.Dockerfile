# dffix-test: --fix=none --profile=openshift
FROM registry.access.redhat.com/ubi9/ubi:9.4
LABEL io.k8s.description="Python builder" io.k8s.display-name="Python 3.12" \
      io.openshift.expose-services="8080:http" io.openshift.tags="builder,python"
COPY s2i/bin/ /usr/libexec/s2i/
USER default
EXPOSE 8080
HEALTHCHECK CMD curl -f localhost:8080
CMD ["/usr/libexec/s2i/usage"]
