# dffix-test: --fix=none
FROM scratch
SHELL ["cmd", "/S", "/C"]
RUN echo  a \
      b
SHELL ["/bin/sh", "-c"]
RUN echo  c \
      d
