# dffix-test: --fix=merge-run
FROM busybox:1.36
RUN echo a # c
RUN touch /y
