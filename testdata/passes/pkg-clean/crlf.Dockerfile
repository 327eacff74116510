# dffix-test: --fix=pkg-clean
FROM centos:7
RUN yum install httpd
