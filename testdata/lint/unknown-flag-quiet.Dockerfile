# dffix-test: --fix=none
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
RUN --mount=type=cache,target=/root/.cache/go-build --network=none go build -o /app .
FROM alpine:3.20
COPY --from=build --chown=1001:0 --chmod=0755 --link /app /app
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/x.tgz /x.tgz
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD ["/app", "health"]
CMD ["/app"]
