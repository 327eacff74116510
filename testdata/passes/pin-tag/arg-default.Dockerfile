# dffix-test: --fix=pin-tag --pin nginx=1.25 --pin alpine=3.19
ARG BASE=nginx:latest
ARG TOOLS="alpine"
FROM ${BASE} AS web
FROM $TOOLS
FROM $BASE
