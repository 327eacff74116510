# dffix-test: --fix=none
FROM scratch
ADD rootfs.tar.xz /
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
CMD ["bash"]
