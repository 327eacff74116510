# dffix-test: --fix=arbitrary-uid
# Found by fuzz_fix: a RUN that names no path, when no RUN named any, made
# the pass do arithmetic on a NULL pointer (clang UBSan).
FROM alpine
WORKDIR /app
RUN true
USER 1001
