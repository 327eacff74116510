# dffix-test: --fix=none
FROM scratch
RUN <<A  cat  -  <<B
a
A
b
B
RUN echo done
