# dffix-test: --fix=none --profile=openshift
FROM registry.access.redhat.com/ubi9/ubi:9.4 AS build
EXPOSE 80
FROM registry.access.redhat.com/ubi9/ubi:9.4
LABEL io.k8s.description="web" io.k8s.display-name="web" io.openshift.expose-services="8080:http" io.openshift.tags="web"
EXPOSE 8080 8443/tcp
USER 1001
HEALTHCHECK CMD curl -f localhost:8080
CMD ["httpd", "-DFOREGROUND"]
