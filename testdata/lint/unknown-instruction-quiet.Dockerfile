# dffix-test: --fix=none
FROM alpine:3.20
ONBUILD COPY . /src
ONBUILD RUN make -C /src
STOPSIGNAL SIGTERM
CMD ["/app"]
