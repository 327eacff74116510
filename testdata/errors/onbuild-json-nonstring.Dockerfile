FROM scratch
ONBUILD CMD ["a", true]
