# dffix-test: --fix=none --profile=openshift
FROM registry.access.redhat.com/ubi9/ubi:9.4
LABEL io.k8s.description="web" io.k8s.display-name="web" io.openshift.expose-services="80:http" io.openshift.tags="web"
EXPOSE 80 443/tcp
USER 1001
HEALTHCHECK CMD curl -f localhost
CMD ["httpd", "-DFOREGROUND"]
