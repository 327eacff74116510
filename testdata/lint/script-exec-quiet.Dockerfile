# dffix-test: --fix=none
FROM node:20
COPY script-exec-quiet.sh /usr/local/bin/
COPY . /app
ENTRYPOINT ["script-exec-quiet.sh"]
CMD ["node", "/app/server.js"]
