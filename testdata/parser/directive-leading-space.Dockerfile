   # escape=`
FROM scratch
RUN echo `
   hi
