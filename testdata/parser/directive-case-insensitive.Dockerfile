#  SYNTAX = docker/dockerfile:1
# EsCaPe=`
FROM scratch
RUN dir `
   c:\
