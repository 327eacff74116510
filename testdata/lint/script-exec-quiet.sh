#!/usr/bin/env bash
set -euo pipefail
if [ "${1:-}" = "node" ]; then
    echo "starting $*"
fi
exec "$@"
