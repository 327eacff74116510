# dffix-test: --fix=arbitrary-uid
FROM ubi9:9.4
WORKDIR /opt/app
COPY . .
RUN chgrp -R 0 /opt && \
    chmod -R g=u /opt
VOLUME /opt/app/logs
USER 1001
