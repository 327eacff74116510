# syntax=docker/dockerfile:1
from scratch
copy  a b
