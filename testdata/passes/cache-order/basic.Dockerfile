# dffix-test: --fix=cache-order
FROM alpine:3.19
# the application: changes often
COPY app/ /srv/app/
# tools: change rarely
RUN apk add --no-cache curl
CMD ["/srv/app/run"]
