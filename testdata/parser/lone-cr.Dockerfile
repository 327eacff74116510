# dffix-test: --fix=none
FROM scratch
RUN echo ab
RUN echo c
LABEL x="yz"
