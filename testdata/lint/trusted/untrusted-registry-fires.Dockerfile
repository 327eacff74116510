# dffix-test: --fix=none
FROM ghcr.io/example/base:1.0 AS build
RUN make
FROM evil.example.com:5000/tools/app:2
CMD ["app"]
