# dffix-test: --fix=pin-tag --pin nginx=1.25
# hadolint ignore=DL3007
FROM nginx:latest
# dffix ignore=pin-tag
COPY --from=nginx /etc/nginx/mime.types /tmp/a
COPY --from=nginx /etc/nginx/mime.types /tmp/b
