# dffix-test: --fix=cache-order
FROM localhost/dffix-busybox:latest
# a stand-in package manager: busybox has none
RUN printf '#!/bin/sh\nc=$1\nshift\nmkdir -p /var/lib/fakeapk\nfor p in "$@"; do\n  case $p in -*) continue ;; esac\n  echo "$c $p" >> /var/lib/fakeapk/log\n  if [ "$c" = add ]; then\n    echo "default config of $p" > /etc/$p.conf\n    cat /etc/apk/repositories >> /var/lib/fakeapk/log 2>/dev/null\n  fi\ndone\nexit 0\n' > /bin/apk && chmod +x /bin/apk
COPY app.txt /app/${SUB}/
ENV SUB=x
RUN apk add foo
