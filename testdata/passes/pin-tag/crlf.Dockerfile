# dffix-test: --fix=pin-tag --pin nginx=1.25
ARG BASE=nginx
FROM $BASE
COPY --from=nginx /a /b
