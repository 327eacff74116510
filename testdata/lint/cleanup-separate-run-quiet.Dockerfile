# dffix-test: --fix=none
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc
RUN rm -rf /var/lib/apt/lists/*
RUN gcc -o /app app.c
FROM debian:12
RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt/lists \
    apt-get update && apt-get install -y --no-install-recommends curl
RUN --mount=type=cache,target=/var/cache/apt apt-get clean
RUN apt-get update && apt-get install -y --no-install-recommends jq && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
CMD ["/app"]
