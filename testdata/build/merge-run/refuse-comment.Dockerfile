# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN echo a # c
RUN touch /y
