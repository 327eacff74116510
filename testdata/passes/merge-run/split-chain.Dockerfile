# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN mkdir /a
RUN cd /a
RUN touch /x
RUN touch /y
