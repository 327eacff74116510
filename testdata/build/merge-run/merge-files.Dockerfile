# dffix-test: --fix=merge-run
FROM localhost/dffix-busybox:latest
RUN mkdir -p /app/bin
# a file per RUN
RUN echo one > /app/one

RUN echo two > /app/two
RUN chmod 600 /app/two
# a link
RUN ln -s /app/one /app/bin/link
RUN cat /app/one /app/two > /app/both
