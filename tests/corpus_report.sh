#!/usr/bin/env bash
# corpus_report.sh DFFIX [CORPUS] - `make corpus-report`: what dffix would do to
# the public corpus (passes applied/refused by reason, lint findings per rule,
# files that errored). The work is in corpus_report.py; see its header.
exec python3 "$(dirname "$0")/corpus_report.py" "$@"
