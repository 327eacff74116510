FROM scratch
ENTRYPOINT [["a"]]
