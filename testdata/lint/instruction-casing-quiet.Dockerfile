# dffix-test: --fix=none
from alpine:3.20
run apk add --no-cache curl
copy app.sh /usr/local/bin/app.sh
cmd ["app.sh"]
