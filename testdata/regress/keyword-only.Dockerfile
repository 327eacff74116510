FROM alpine
RUN
cmd
FOO
