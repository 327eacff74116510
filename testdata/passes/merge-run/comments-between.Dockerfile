# dffix-test: --fix=merge-run
FROM busybox:1.36
# make the tree
RUN mkdir /app

# then a file

  # indented comment
RUN touch /app/x
