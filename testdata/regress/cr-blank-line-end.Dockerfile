# dffix-test: --fix=none
FROM alpine
RUN echo a \ 
RUN echo b
