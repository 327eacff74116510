# dffix-test: --fix=none
FROM registry.access.redhat.com/ubi9/ubi:9.4
EXPOSE 80
USER app
CMD ["/app"]
