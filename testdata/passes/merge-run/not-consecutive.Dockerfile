# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN mkdir /a
ENV A=1
RUN touch /a/x
WORKDIR /a
RUN touch y
