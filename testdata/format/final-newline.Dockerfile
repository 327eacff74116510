# dffix-test: --fix=none
FROM scratch
RUN a