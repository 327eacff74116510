#syntax=docker/dockerfile:1  
#  ESCAPE  =  \	
from scratch
