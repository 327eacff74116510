# dffix-test: --fix=none
FROM registry.access.redhat.com/ubi9/ubi:9.4
RUN mkdir -p /opt/app && chgrp -R 0 /opt/app && chmod -R g=u /opt/app
RUN cat /etc/passwd > /tmp/passwd.copy
CMD ["bash"]
