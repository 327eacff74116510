# dffix-test: --fix=none
FROM mysql:8.4
COPY my.cnf /etc/mysql/conf.d/
HEALTHCHECK CMD mysqladmin ping
CMD ["mysqld"]
