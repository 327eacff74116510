# dffix-test: --fix=pkg-clean
FROM photon:5.0
RUN tdnf install -y curl
