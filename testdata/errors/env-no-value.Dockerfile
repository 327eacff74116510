FROM scratch
ENV foo
