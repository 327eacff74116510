# dffix-test: --fix=none
arg TAG=1
from scratch as build
maintainer someone
label a=b
env A=1
run echo hi
add a /a
copy b /b
expose 80
user nobody
workdir /w
volume /v
stopsignal SIGTERM
healthcheck cmd true
shell ["/bin/sh", "-c"]
onbuild run echo on
entrypoint ["/e"]
cmd ["c"]
