# dffix-test: --fix=none
FROM debian:12
RUN curl -fsSLO https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz
RUN tar -xJf node-v20.11.1-linux-x64.tar.xz -C /usr/local --strip-components=1 && \
    rm node-v20.11.1-linux-x64.tar.xz
CMD ["node"]
