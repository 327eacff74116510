# dffix-test: --fix=none
FROM python
RUN pip install flask
FROM registry.access.redhat.com/ubi9/ubi:latest
CMD ["true"]
