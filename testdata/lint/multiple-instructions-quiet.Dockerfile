# dffix-test: --fix=none
FROM alpine:3.20 AS test
CMD ["/app", "test"]
FROM alpine:3.20
ENTRYPOINT ["/app"]
CMD ["serve"]
