FROM scratch
# escape=`
RUN echo a \
  b
