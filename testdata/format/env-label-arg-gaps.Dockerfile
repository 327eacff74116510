# dffix-test: --fix=none
FROM scratch
ENV A=1 \
      B=2
LABEL a="x  y" \
  b=z
ARG X=1   Y=2
ENV OLD   value  with  spaces
