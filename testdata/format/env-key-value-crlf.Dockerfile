# dffix-test: --fix=env-key-value
FROM alpine:3.20
ENV A one two
ENV B three
