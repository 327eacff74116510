# dffix-test: --fix=none
ARG BASE=python:3.12
FROM ${BASE} AS deps
RUN pip install flask
FROM deps AS test
RUN python -m pytest
FROM scratch AS empty
FROM registry.access.redhat.com/ubi9/ubi:latest@sha256:0f01a2ad7ed5e5bbb5bd2e52b49f6d47e4ad2e8fb3e0a1d7b4bf9a6d7a7b4b1e
COPY --from=deps /usr/local/lib/python3.12 /usr/local/lib/python3.12
CMD ["true"]
