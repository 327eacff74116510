# dffix-test: --fix=pin-tag --pin nginx=1.25
# the web server
FROM --platform=linux/amd64 \
    # pinned by dffix
    nginx \
    AS web
RUN echo ok
