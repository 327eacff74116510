# check=skip=all
# escape=`
FROM scratch
RUN echo `
  hi
