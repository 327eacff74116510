# dffix-test: --fix=none
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client git && rm -rf /var/lib/apt/lists/*
CMD ["git", "--version"]
