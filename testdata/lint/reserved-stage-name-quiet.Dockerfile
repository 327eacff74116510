# dffix-test: --fix=none
FROM scratch AS rootfs
COPY rootfs/ /
FROM alpine:3.20
COPY --from=rootfs / /
CMD ["true"]
