# dffix-test: --fix=none
FROM scratch
RUN a \

RUN b
RUN c \
# c
RUN d
