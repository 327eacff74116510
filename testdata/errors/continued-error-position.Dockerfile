FROM scratch
RUN echo ok
  CMD ["a", \
   1]
