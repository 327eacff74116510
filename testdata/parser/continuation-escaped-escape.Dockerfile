# dffix-test: --fix=none
FROM scratch
RUN echo a \\
RUN echo b
