# dffix-test: --fix=cache-order
FROM ubi9:9.4
COPY a.txt /app/
COPY b.txt /app/
ADD data.tar /app/data/
RUN yum install -y httpd && yum clean all
RUN dnf -y install mod_ssl
