#!/bin/sh
# Prepare the configuration, then start the server.
set -e
if [ ! -f /app/config.json ]; then
    cp /app/config.example.json /app/config.json
fi
node server.js --port "${PORT:-8080}"
