# dffix-test: --fix=cache-order
FROM localhost/dffix-busybox:latest
# a stand-in package manager: busybox has none
RUN printf '#!/bin/sh\nc=$1\nshift\nmkdir -p /var/lib/fakeapk\nfor p in "$@"; do\n  case $p in -*) continue ;; esac\n  echo "$c $p" >> /var/lib/fakeapk/log\n  if [ "$c" = add ]; then\n    echo "default config of $p" > /etc/$p.conf\n    cat /etc/apk/repositories >> /var/lib/fakeapk/log 2>/dev/null\n  fi\ndone\nexit 0\n' > /bin/apk && chmod +x /bin/apk
WORKDIR /app
COPY app.txt b.txt ./
COPY --chown=1000:0 foo.conf /srv/conf/
RUN apk update && \
    apk add --no-cache foo bar && \
    rm -rf /var/cache/apk/* /tmp/*
RUN apk add baz
RUN ls -l /app > /listing.txt
