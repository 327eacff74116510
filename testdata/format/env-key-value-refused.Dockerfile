# dffix-test: --fix=env-key-value
FROM alpine:3.20
ENV GREETING say "hi" there
ENV WINDOWS_PATH C:\tools bin
ENV "QUOTED_NAME" value here
ENV TICKS run `date` now
CMD ["app"]
