# dffix-test: --fix=arbitrary-uid
FROM ubi9:9.4
WORKDIR /srv
RUN make
