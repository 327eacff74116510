# dffix-test: --fix=none
FROM scratch
onbuild   run   echo hi
ONBUILD copy  .  /app
onbuild  ADD   --chown=a   x y
ONBUILD cmd ["a","b"]
