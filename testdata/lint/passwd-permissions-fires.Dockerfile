# dffix-test: --fix=none
FROM registry.access.redhat.com/ubi9/ubi:9.4
RUN chmod g=u /etc/passwd /etc/group
RUN chgrp -R 0 /etc && chmod -R g=u /etc
CMD ["bash"]
