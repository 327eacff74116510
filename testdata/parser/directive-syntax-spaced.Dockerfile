#   syntax  =  docker/dockerfile:1.4   
from scratch
