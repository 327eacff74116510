# dffix-test: --fix=none
FROM scratch
RUN echo light\
ning
RUN echo thunder\
   bolt
