# dffix-test: --fix=cache-order
FROM alpine:3.19 AS build
RUN apk add go

FROM alpine:3.19
COPY --from=build /usr/lib/go /opt/go
ADD https://example.com/tool.tgz /tools/
COPY <<EOF /app/motd
hello
EOF
RUN apk add curl
