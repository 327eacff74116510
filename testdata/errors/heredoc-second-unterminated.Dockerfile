FROM scratch
RUN <<A <<B
a
A
b
