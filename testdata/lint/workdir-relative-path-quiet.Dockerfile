# dffix-test: --fix=none
FROM alpine:3.20 AS base
WORKDIR /srv
FROM base
WORKDIR app
WORKDIR $HOME/data
CMD ["./run"]
