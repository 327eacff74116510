# dffix-test: --fix=arbitrary-uid
FROM ubi9:9.4
RUN dnf install -y httpd && dnf clean all
CMD ["httpd", "-DFOREGROUND"]
