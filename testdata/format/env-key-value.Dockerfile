# dffix-test: --fix=env-key-value
FROM alpine:3.20
# The search path, with the tools first.
ENV PATH /opt/tools/bin:$PATH
env JAVA_OPTS "-Xmx1g -Xms1g"
LABEL org.opencontainers.image.description A small image for $TARGETARCH
ENV CLASSPATH /opt/lib/a.jar:\
    # the second jar
    /opt/lib/b.jar
ENV GREETING hello   world
ONBUILD ENV BUILD_DIR /src/app
ENV ALREADY=new FORM="is kept"
CMD ["app"]
