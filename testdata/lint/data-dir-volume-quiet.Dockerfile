# dffix-test: --fix=none
FROM registry.access.redhat.com/ubi9/ubi:9.4
RUN dnf install -y postgresql-server && dnf clean all
VOLUME /var/lib/pgsql/data
EXPOSE 5432
HEALTHCHECK CMD pg_isready
USER postgres
CMD ["postgres", "-D", "/var/lib/pgsql/data"]
