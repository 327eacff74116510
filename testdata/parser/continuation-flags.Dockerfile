# dffix-test: --fix=none
FROM scratch
RUN --mount=type=cache,target=/x \
  --network=none \
   make
