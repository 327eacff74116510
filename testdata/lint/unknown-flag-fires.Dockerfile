# dffix-test: --fix=none
FROM --platfrom=linux/amd64 alpine:3.20
COPY --chwon=1001:0 app /app
RUN --mount=type=cache,target=/root/.cache --privileged make
ENV --force A=1
CMD ["/app"]
