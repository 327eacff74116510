#!/usr/bin/env bash
# run.sh DFFIX - dffix's benchmarks: `make bench`. Prints figures next to the
# targets (as ratios measured in the same run); it never passes or fails on
# them. Takes a few minutes.
#
#   1. in-process: tests/bench/bench_parse.c linked with libdffix.a reads the whole
#      corpus into memory, then times parse+reprint, parse+format and
#      parse+fix+format, and measures peak heap per file.
#   2. whole processes against the peers (tests/bench/compare.py): bulk throughput,
#      per-file latency, peak RSS, and lint throughput on a 1,000-file tree.
#
# Peers come from npm at the versions pinned in tests/bench/package.json and
# tests/bench/package-lock.json, installed into tests/bench/peers/ (git-ignored) with
# `npm ci`. Without npm or the registry the peer figures are skipped.
#
# Environment: DFFIX_CORPUS (default ../shared/corpus), LIBDFFIX (default
# libdffix.a beside DFFIX), BENCH_BUILD (where the bench tools are compiled;
# default DFFIX's directory + /bench), BENCH_SECONDS (per in-process figure,
# default 1.5),
# and the knobs listed in tests/bench/compare.py.
set -uo pipefail

dffix=$(realpath "${1:-./dffix}")
cd "$(dirname "$0")/../.." || exit 2
corpus=${DFFIX_CORPUS:-../shared/corpus}
lib=${LIBDFFIX:-$(dirname "$dffix")/libdffix.a}
# The bench tools go into the build directory of the DFFIX given (build/bench
# for the top-level ./dffix).
bdir=$(dirname "$dffix")
[ "$bdir" = "$(pwd -P)" ] && bdir=build
out=${BENCH_BUILD:-$bdir/bench}
CC=${CC:-cc}

if [ ! -f "$corpus/MANIFEST.tsv" ]; then
	echo "bench: skipped: no corpus at $corpus (set DFFIX_CORPUS)"
	exit 0
fi
mkdir -p "$out"
flags=(-std=c11 -O2 -g -Wall -Wextra -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE)
if ! $CC "${flags[@]}" -o "$out/spawn_time" tests/bench/spawn_time.c; then
	echo "bench: cannot build tests/bench/spawn_time.c" >&2
	exit 2
fi

start=$(date +%s)
echo "== dffix $("$dffix" --version 2>/dev/null | head -1), corpus $corpus"
echo
echo "== 1. in-process throughput and memory (libdffix, one core)"
if [ ! -f "$lib" ]; then
	echo "skipped: no $lib (make libdffix.a)"
elif $CC "${flags[@]}" -Iinclude -Isrc -o "$out/bench_parse" tests/bench/bench_parse.c "$lib" \
	-lpcre2-8 -lyaml -leditorconfig -lpthread; then
	"$out/bench_parse" --seconds "${BENCH_SECONDS:-1.5}" "$corpus"
else
	echo "skipped: tests/bench/bench_parse.c does not build against $lib"
fi

echo
echo "== peers (npm, pinned in tests/bench/package-lock.json)"
peers=tests/bench/peers
modules=""
if command -v npm >/dev/null && command -v node >/dev/null; then
	mkdir -p "$peers"
	# Reinstall only when the pinned lock changed since the last install.
	if ! cmp -s tests/bench/package-lock.json "$peers/package-lock.json" || [ ! -d "$peers/node_modules" ]; then
		cp tests/bench/package.json tests/bench/package-lock.json "$peers/"
		if ! (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>npm.log); then
			echo "peers: npm ci failed (offline?): $(tail -3 "$peers/npm.log" | tr '\n' ' ')"
			rm -f "$peers/package-lock.json"
		fi
	fi
	if [ -d "$peers/node_modules" ] && cmp -s tests/bench/package-lock.json "$peers/package-lock.json"; then
		modules=$(realpath "$peers/node_modules")
		for p in @reteps/dockerfmt @reteps/dockerfmt-linux-x64 dockerfile-utils; do
			echo "  $p $(node -p "require('$modules/$p/package.json').version" 2>/dev/null || echo missing)"
		done
		echo "  node $(node --version)"
	fi
else
	echo "peers: skipped: npm/node not installed"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dffix-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 tests/bench/compare.py --dffix "$dffix" --spawn "$out/spawn_time" --corpus "$corpus" \
	${modules:+--peers "$modules"} --work "$work"
echo
echo "bench: done in $(($(date +%s) - start)) s"
