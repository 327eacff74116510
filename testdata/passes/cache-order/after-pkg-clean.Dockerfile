# dffix-test: --fix=pkg-clean,cache-order
# The install is rewritten by pkg-clean first; the move still names its line.
FROM ubi9:9.4
COPY app.py /srv/app/
RUN yum install -y python3
