# dffix-test: --fix=pin-tag --pin golang=1.22 --pin nginx=1.25
FROM golang AS Build
RUN go build -o /out/app .

FROM build AS test
RUN --mount=from=build,target=/b true

FROM scratch
COPY --from=BUILD /out/app /app
COPY --from=0 /out/app /app2
COPY --from=nginx /etc/nginx/mime.types /etc/
