# dffix-test: --fix=merge-run
FROM busybox:1.36
ONBUILD RUN mkdir /a
ONBUILD RUN touch /a/x
