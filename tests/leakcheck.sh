#!/usr/bin/env bash
# tests/leakcheck.sh DFFIX - run dffix under valgrind (memcheck, full leak
# check) over a sample of ../shared/corpus: every 20th file (LEAKCHECK_STEP),
# each with --reprint, the default fix+format, --lint and -d, one file per
# run; then each mode once over the whole sample with -j 4 (threads), and
# once from stdin. A case fails when valgrind reports any error or a definite
# or possible leak, or dffix dies instead of exiting 0, 1 or 2.
#
# valgrind's --error-exitcode is 99, not 1: dffix itself exits 1 when -d or
# --lint finds something, which is not a memory error.
# Ends with "N passed, N failed"; exit 1 when any failed.
set -u

# Internal: one case. $2 = log path prefix, then the dffix arguments; the
# input comes from $LEAK_STDIN when set.
if [ "${1:-}" = --case ]; then
	log=$2
	shift 2
	in=${LEAK_STDIN:-/dev/null}
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,possible \
		--show-leak-kinds=definite,possible --track-origins=yes --num-callers=30 \
		--log-file="$log.vg" "$LEAK_DFFIX" --no-config --color=never "$@" \
		<"$in" >/dev/null 2>"$log.err"
	rc=$?
	if [ "$rc" -le 2 ] && [ ! -s "$log.vg" ]; then
		: >"$log.ok"
	else
		{ echo "exit $rc: dffix $*${LEAK_STDIN:+ < $LEAK_STDIN}"; head -40 "$log.vg"; } >"$log.fail"
	fi
	exit 0
fi

root=$(cd "$(dirname "$0")/.." && pwd)
self=$root/tests/$(basename "$0")
[ $# -ge 1 ] || { echo "usage: $0 DFFIX" >&2; exit 2; }
LEAK_DFFIX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export LEAK_DFFIX
[ -x "$LEAK_DFFIX" ] || { echo "leakcheck: $1 is not executable" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "leakcheck: valgrind not installed (make deps)" >&2; exit 2; }
corpus=${DFFIX_CORPUS:-$root/../shared/corpus}
step=${LEAKCHECK_STEP:-20}
par=${LEAKCHECK_JOBS:-$(nproc 2>/dev/null || echo 2)}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dffix-leak.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/log"

if [ -d "$corpus" ]; then
	find "$corpus" -type f ! -name MANIFEST.tsv ! -name SOURCES.md | LC_ALL=C sort |
		awk -v s="$step" '(NR - 1) % s == 0' >"$tmp/files"
else
	echo "leakcheck: $corpus not found; using testdata/ only" >&2
	: >"$tmp/files"
fi
find "$root/testdata" -name '*.Dockerfile' -type f 2>/dev/null | LC_ALL=C sort |
	awk -v s="$step" '(NR - 1) % s == 0' >>"$tmp/files"
nfiles=$(wc -l <"$tmp/files")
[ "$nfiles" -gt 0 ] || { echo "leakcheck: no input files" >&2; exit 2; }
mapfile -t sample <"$tmp/files"

# Per-file cases, one per line: LOG<TAB>ARGS... (corpus paths hold no tabs).
{
	i=0
	for f in "${sample[@]}"; do
		i=$((i + 1))
		printf '%s\t--reprint\t%s\n' "$tmp/log/reprint-$i" "$f"
		printf '%s\t%s\n' "$tmp/log/format-$i" "$f"
		printf '%s\t--lint\t%s\n' "$tmp/log/lint-$i" "$f"
		printf '%s\t-d\t%s\n' "$tmp/log/diff-$i" "$f"
	done
} >"$tmp/cases"
while IFS=$'\t' read -r -a c; do
	bash "$self" --case "${c[@]}" &
	while [ "$(jobs -rp | wc -l)" -ge "$par" ]; do wait -n; done
done <"$tmp/cases"
wait

# The whole sample in one run per mode, with worker threads.
bash "$self" --case "$tmp/log/all-reprint" -j 4 --reprint "${sample[@]}"
bash "$self" --case "$tmp/log/all-format" -j 4 "${sample[@]}"
bash "$self" --case "$tmp/log/all-lint" -j 4 --lint "${sample[@]}"
bash "$self" --case "$tmp/log/all-diff" -j 4 -d "${sample[@]}"
# stdin, with the first sampled file.
export LEAK_STDIN=${sample[0]}
bash "$self" --case "$tmp/log/stdin-reprint" --reprint
bash "$self" --case "$tmp/log/stdin-format"
bash "$self" --case "$tmp/log/stdin-lint" --lint
bash "$self" --case "$tmp/log/stdin-diff" -d
unset LEAK_STDIN

pass=$(find "$tmp/log" -name '*.ok' | wc -l)
fail=$(find "$tmp/log" -name '*.fail' | wc -l)
for f in "$tmp"/log/*.fail; do
	[ -e "$f" ] || continue
	echo "FAIL $(basename "$f" .fail)"
	sed 's/^/    /' "$f"
done
echo "leakcheck: $nfiles sampled files (every ${step}th), 4 modes each, plus -j 4 and stdin runs"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
