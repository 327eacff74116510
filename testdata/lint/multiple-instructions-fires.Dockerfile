# dffix-test: --fix=none
FROM alpine:3.20
ENTRYPOINT ["/app"]
CMD ["serve"]
CMD ["serve", "--port=8080"]
HEALTHCHECK NONE
HEALTHCHECK CMD ["/app", "health"]
