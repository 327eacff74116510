# dffix-test: --fix=arbitrary-uid
FROM ubi9:9.4
# dffix ignore=arbitrary-uid
WORKDIR /opt/tool
VOLUME /data
USER 1001
