# dffix-test: --fix=env-key-value
FROM alpine:3.20
ENV PATH=/opt/app/bin:$PATH JAVA_OPTS="-Xmx1g -Xms1g"
LABEL description="a small image"
CMD ["app"]
