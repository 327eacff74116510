# dffix-test: --fix=none --indent=0
FROM scratch
RUN a \
    # note
    b
