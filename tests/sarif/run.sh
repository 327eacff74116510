#!/bin/bash
# run.sh - validates dffix's SARIF output against the SARIF 2.1.0 schema.
#
# Usage: tests/sarif/run.sh DFFIX [BUILD]
# Installs ajv (draft-04 flavour) and ajv-formats with npm into
# BUILD/npm-sarif (default build/), and takes the schema file from the npm
# package @microsoft/jest-sarif (lib/schemas/sarif-2.1.0-rtm.5.json: the
# only package on the registry that ships the 2.1.0 schema as a file).
# Then lints every testdata/lint case with --format=sarif, one SARIF log per
# case plus one log for all cases at once, and validates each.
# Prints "N passed, M failed"; exits 1 on a failure, 2 when npm is missing.
set -u
DFFIX=${1:?usage: run.sh DFFIX [BUILD]}
BUILD=${2:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
NPM_DIR="$BUILD/npm-sarif"
SCHEMA="$NPM_DIR/sarif-schema-2.1.0.json"

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
	echo "sarif: node and npm are needed (apt-get install nodejs npm)" >&2
	exit 2
fi
mkdir -p "$NPM_DIR"
if [ ! -d "$NPM_DIR/node_modules/ajv-draft-04" ] || [ ! -d "$NPM_DIR/node_modules/ajv-formats" ]; then
	npm install --prefix "$NPM_DIR" --no-audit --no-fund --ignore-scripts --silent \
		ajv@8 ajv-draft-04@1 ajv-formats@3 >&2 || { echo "sarif: npm install failed" >&2; exit 2; }
fi
if [ ! -s "$SCHEMA" ]; then
	tgz=$(cd "$NPM_DIR" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0) ||
		{ echo "sarif: npm pack failed" >&2; exit 2; }
	tar -xzf "$NPM_DIR/$tgz" -C "$NPM_DIR" package/lib/schemas/sarif-2.1.0-rtm.5.json &&
		mv "$NPM_DIR/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$SCHEMA" && rm -rf "$NPM_DIR/package" "$NPM_DIR/$tgz"
fi

OUT="$BUILD/sarif-out"
rm -rf "$OUT" && mkdir -p "$OUT"
cases=$(find testdata/lint testdata/format -name '*.Dockerfile' | sort)
i=0
for f in $cases; do
	flags=$(head -1 "$f" | tr -d '\r' | sed -n 's/^# dffix-test://p' | sed 's/--format=[a-z]*//')
	i=$((i + 1))
	# shellcheck disable=SC2086
	"$DFFIX" --lint --color=never $flags --format=sarif "$f" > "$OUT/$i.sarif"
	rc=$?
	if [ $rc -gt 1 ]; then
		echo "sarif: $DFFIX exited $rc on $f" >&2
	fi
done
# shellcheck disable=SC2086
"$DFFIX" --lint --color=never --fix=none --format=sarif $cases > "$OUT/all.sarif"
NODE_PATH="$NPM_DIR/node_modules" node "$HERE/validate.js" "$SCHEMA" "$OUT"/*.sarif
