# dffix-test: --fix=none --indent 2
FROM scratch
RUN a \
    # note
    b
