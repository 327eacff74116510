# dffix-test: --fix=none
FROM registry.access.redhat.com/ubi9/ubi:9.4
RUN dnf install -y mariadb-server && dnf clean all
EXPOSE 3306
HEALTHCHECK CMD mysqladmin ping
CMD ["mysqld_safe"]
