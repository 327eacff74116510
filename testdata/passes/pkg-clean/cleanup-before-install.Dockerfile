# dffix-test: --fix=pkg-clean
FROM centos:7
RUN yum install -y a && yum clean all && yum install -y b
