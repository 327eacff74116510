# syntax=a
# SYNTAX=b
FROM scratch
