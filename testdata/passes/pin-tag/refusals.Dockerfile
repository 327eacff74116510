# dffix-test: --fix=pin-tag --pin nginx=1.25
ARG TAG=latest
ARG SHARED=nginx
ARG NODEFAULT

FROM ubuntu
LABEL note="no pin configured"

FROM $NODEFAULT
LABEL note="a variable without a default"

FROM $UNDECLARED

FROM nginx:${TAG}
LABEL note="text and variables mixed"

FROM $SHARED
# the ARG is used beyond the FROM
LABEL base=$SHARED
