# dffix-test: --fix=none
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server && rm -rf /var/lib/apt/lists/*
EXPOSE 22
HEALTHCHECK CMD pgrep sshd
CMD ["/usr/sbin/sshd", "-D"]
