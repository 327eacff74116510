# dffix-test: --fix=none
FROM   alpine:3.19   AS   build
RUN    echo   hi
COPY   --from=build   --chown=1:1   /a /b
ENV   A=1
CMD      ["x"]
