# dffix-test: --fix=none
FROM alpine:3.20
ENV PATH /opt/app/bin:$PATH
CMD ["app"]
