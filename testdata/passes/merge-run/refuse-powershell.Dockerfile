# dffix-test: --fix=merge-run
FROM busybox:1.36
SHELL ["powershell", "-Command"]
RUN echo a
RUN echo b
