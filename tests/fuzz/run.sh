#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] - build the libFuzzer targets into build-fuzz/ and run
# each for SECONDS (default 60; $FUZZ_SECONDS also works).
#
# Each target is built with clang -fsanitize=fuzzer,address,undefined from
# tests/fuzz/<target>.c and every library source (src/*.c but src/main.c). Seeds:
# every testdata/**/*.Dockerfile, plus ../shared/corpus when it is there (read
# in place, never copied). The corpus a run grows is kept in
# build-fuzz/corpus-<target>/ (git-ignored), so later runs start from it. A crash or
# a broken property leaves its input in build-fuzz/crashes/<target>-*; rerun
# one with `build-fuzz/<target> FILE`.
#
# Environment: CC (default clang), FUZZ_TARGETS (default: all three),
# FUZZ_MAX_LEN (default 32768 bytes), FUZZ_FLAGS (extra libFuzzer flags),
# FUZZ_OUT (build directory, default build-fuzz), FUZZ_CORPUS (where the
# grown corpora live, default build-fuzz).
# Exit: 0 when no target found anything, 1 otherwise, 2 when a build failed.
set -u
cd "$(dirname "$0")/../.."

secs=${1:-${FUZZ_SECONDS:-60}}
case $secs in '' | *[!0-9]*) echo "tests/fuzz/run.sh: SECONDS must be a number, not '$secs'" >&2; exit 2 ;; esac
cc=${CC:-clang}
case $cc in cc | gcc | */gcc*) cc=clang ;; esac  # make's default CC is not a libFuzzer compiler
targets=${FUZZ_TARGETS:-fuzz_reprint fuzz_format fuzz_fix}
max_len=${FUZZ_MAX_LEN:-32768}
out=${FUZZ_OUT:-build-fuzz}
corpus=${FUZZ_CORPUS:-build-fuzz}

if ! command -v "$cc" >/dev/null; then
	echo "tests/fuzz/run.sh: $cc not found (apt-get install clang libclang-rt-dev)" >&2
	exit 2
fi
rm -rf "$out/seeds"
mkdir -p "$out/crashes" "$out/seeds"

# Seeds: flat copies of the (small) project test files; names keep the path.
find testdata -name '*.Dockerfile' -type f 2>/dev/null | while read -r f; do
	cp "$f" "$out/seeds/$(printf '%s' "$f" | tr '/' '_')"
done
seed_dirs=("$out/seeds")
[ -d ../shared/corpus ] && seed_dirs+=(../shared/corpus)

lib_srcs=()
for f in src/*.c; do
	[ "$f" = src/main.c ] || lib_srcs+=("$f")
done
cflags=(-std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=all -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE)
libs=(-lpcre2-8 -lyaml -leditorconfig -lpthread)

failed=0
for t in $targets; do
	echo "== build $t"
	if ! "$cc" "${cflags[@]}" "tests/fuzz/$t.c" "${lib_srcs[@]}" -o "$out/$t" "${libs[@]}"; then
		echo "tests/fuzz/run.sh: building $t failed" >&2
		exit 2
	fi
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for t in $targets; do
	mkdir -p "$corpus/corpus-$t"
	echo "== run $t for ${secs}s"
	ls "$out/crashes" | grep "^$t-" | sort >"$out/$t.before"
	# shellcheck disable=SC2086
	"$out/$t" -max_total_time="$secs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
		-dict=tests/fuzz/dockerfile.dict -artifact_prefix="$out/crashes/$t-" -print_final_stats=1 \
		${FUZZ_FLAGS:-} \
		"$corpus/corpus-$t" "${seed_dirs[@]}" >"$out/$t.log" 2>&1
	rc=$?
	new=$(ls "$out/crashes" | grep "^$t-" | sort | comm -13 "$out/$t.before" -)
	grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$out/$t.log" | sort -u
	if [ "$rc" -ne 0 ] || [ -n "$new" ]; then
		echo "FAIL $t (exit $rc): see $out/$t.log"
		grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|property failed' "$out/$t.log"
		grep -m1 '^options: ' "$out/$t.log"
		for c in $new; do echo "reproduce: $out/$t $out/crashes/$c"; done
		failed=1
	else
		echo "ok   $t"
	fi
done
exit $failed
