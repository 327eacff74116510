# dffix-test: --fix=pkg-clean
FROM opensuse/leap:15.6
RUN zypper --non-interactive install curl
