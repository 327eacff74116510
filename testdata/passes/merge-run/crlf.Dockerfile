# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN mkdir /app
# c

RUN touch /app/x
