# dffix-test: --fix=none
FROM debian:12
ARG NODE_VERSION=20.11.1
RUN curl -fsSLO https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz && \
    tar -xJf node-v20.11.1-linux-x64.tar.xz -C /usr/local --strip-components=1
RUN echo "127.0.0.1 db" >> /etc/hosts.app
RUN ping -c1 127.0.0.1
CMD ["node"]
