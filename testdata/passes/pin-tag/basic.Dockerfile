# dffix-test: --fix=pin-tag --pin nginx=1.25 --pin alpine=3.19
FROM nginx AS web
COPY --from=nginx:latest /etc/nginx/nginx.conf /tmp/
RUN --mount=type=cache,from=alpine,target=/cache true

FROM nginx:latest
LABEL stage=two

FROM nginx:1.24
LABEL note="already pinned: left alone"
