# dffix-test: --fix=pkg-clean
FROM debian:12
RUN apt-get update
RUN echo apt-get install curl
