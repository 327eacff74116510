#!/usr/bin/env bash
# tests/hostile.sh DFFIX - hostile and odd inputs, generated in a temporary
# directory (never committed): empty, comments only, 100 MB of RUN lines, a
# 10 MB line, 100,000 continuation lines, 10,000 heredocs, unterminated
# heredocs, quotes and JSON, NUL bytes, invalid UTF-8, lone CR and mixed line
# endings, 10,000 nested ONBUILDs, and paths that are not regular files (a
# directory named Dockerfile, a FIFO, /dev/null, /dev/zero, a symlink loop, a
# 2 GiB sparse file, binary stdin). Then 20,000 repetitions of the shapes
# the passes and lint work hardest on: stages naming each other, COPY + install
# RUN pairs (cache-order), VOLUMEs and WORKDIRs (arbitrary-uid), COPY
# --chown, MAINTAINERs, untagged FROMs (pin-tag); each of these was once
# quadratic. tests/bench/hostile.sh shows their time and memory curves.
#
# Every dffix run must finish within its timeout and stay under a memory
# bound (peak RSS from /usr/bin/time):
#
#     4 x input bytes + 2048 bytes x input lines + 64 MiB
#
# 4 copies of the input: the read buffer, the document's copy in its arena,
# the output buffer, and growth slack (buffers double). 2048 bytes per line:
# the tree costs one node per line (dfx_node is 208 bytes) plus 32 bytes
# per physical line (segment), the joined logical line, the instruction's
# word spans and the arena's block-doubling slack (real RUN lines measure
# 500-600 bytes); with every pass on, pkg-clean and merge-run each add a new
# node per RUN they rewrite and the old nodes stay in the arena until the
# document is freed (measured: about 1,500 bytes per RUN line in all). 64 MiB:
# the process, its libraries and small inputs. Anything quadratic passes this
# bound quickly.
#
# Text inputs that dffix accepts must give exit 0 and "correct output":
# --reprint gives the input back byte for byte; `-w` writes exactly what
# stdout mode prints; formatting that again changes nothing (--check);
# --lint reports without an error (exit 0 or 1).
# Inputs that dffix refuses must give exit 2, a message of the form
# `path:line:col: error: ...` or `path: error: ...`, nothing on stdout,
# and with -w the file byte-identical and no temporary file left behind.
#
# Ends with "N passed, N failed"; exit 1 when any failed. HOSTILE_BIG_MB
# sets the size of the big file (default 100).
set -u
[ $# -ge 1 ] || { echo "usage: $0 DFFIX" >&2; exit 2; }
dffix=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$dffix" ] || { echo "hostile: $1 is not executable" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "hostile: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "hostile: python3 missing" >&2; exit 2; }
big_mb=${HOSTILE_BIG_MB:-100}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dffix-hostile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
mkdir gen work

pass=0
fail=0
case_bad=0
# A case is begun, may report several problems with bad(), and is counted
# once, as passed or failed, by done_case().
begin_case() { case_bad=0; }
bad() {
	case_bad=1
	echo "FAIL $*"
}
done_case() {
	if [ "$case_bad" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

# Runs dffix with a timeout, recording exit status, peak RSS and output:
#   dffix_run SECONDS STDIN ARGS...   (STDIN: a file, or - for /dev/null)
# Sets $rc, $rss_kb, and leaves stdout in run.out, stderr in run.err.
# Address space is capped at twice the case's memory bound plus 1 GiB
# ($vm_kb), so a runaway dffix fails with "out of memory" instead of
# swamping the machine.
vm_kb=$((2 * 1048576))
dffix_run() {
	local secs=$1 in=$2
	shift 2
	[ "$in" = - ] && in=/dev/null
	(ulimit -v "$vm_kb" && exec /usr/bin/time -f '%M' -o run.rss timeout -k 5 "$secs" \
		"$dffix" --no-config --color=never "$@") <"$in" >run.out 2>run.err
	rc=$?
	rss_kb=$(tail -n 1 run.rss 2>/dev/null)
	case $rss_kb in '' | *[!0-9]*) rss_kb=0 ;; esac
}

# The memory bound in KiB for an input of $1 bytes and $2 lines.
bound_kb() {
	echo $(((4 * $1 + 2048 * $2) / 1024 + 65536))
}

# check_limits NAME WHAT BYTES LINES: timeout and memory of the last run.
check_limits() {
	local name=$1 what=$2 bytes=$3 lines=$4 b
	b=$(bound_kb "$bytes" "$lines")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		bad "$name: $what: timed out"
		return 1
	fi
	if [ "$rss_kb" -gt "$b" ]; then
		bad "$name: $what: peak RSS ${rss_kb} KiB > bound ${b} KiB ($bytes bytes, $lines lines; exit $rc)"
		return 1
	fi
	return 0
}

# A clear error: exit 2, nothing on stdout, every stderr line names the path.
check_error() {
	local name=$1 what=$2 path=$3 re
	re="^$(printf '%s' "$path" | sed 's/[][\.*^$/]/\\&/g')(:[0-9]+:[0-9]+)?: error: .+"
	if [ "$rc" -ne 2 ]; then
		bad "$name: $what: exit $rc, want 2 ($(head -c 200 run.err))"
		return 1
	fi
	if [ -s run.out ]; then
		bad "$name: $what: printed on stdout despite the error"
		return 1
	fi
	if ! grep -Eq "$re" run.err || grep -Evq "$re" run.err; then
		bad "$name: $what: unclear message: $(head -c 300 run.err)"
		return 1
	fi
	return 0
}

# No ".<name>.dffix-XXXXXX" temporary file left in directory $1.
no_temp_left() {
	local left
	left=$(find "$1" -maxdepth 1 -name '.*.dffix-*' | head -3)
	[ -z "$left" ] || { echo "$left"; return 1; }
}

# accepted NAME FILE [SECONDS]: dffix must accept the text file.
accepted() {
	local name=$1 f=$2 secs=${3:-30} bytes lines
	begin_case
	bytes=$(stat -c %s "$f")
	lines=$(wc -l <"$f")
	lines=$((lines + 1))
	vm_kb=$((2 * $(bound_kb "$bytes" "$lines") + 1048576))

	dffix_run "$secs" - --reprint "$f"
	if check_limits "$name" reprint "$bytes" "$lines"; then
		if [ "$rc" -ne 0 ]; then
			bad "$name: --reprint exit $rc: $(head -c 200 run.err)"
		elif ! cmp -s run.out "$f"; then
			bad "$name: --reprint differs from the input"
		fi
	fi

	dffix_run "$secs" - "$f"
	if check_limits "$name" format "$bytes" "$lines"; then
		if [ "$rc" -ne 0 ]; then
			bad "$name: format exit $rc: $(head -c 200 run.err)"
		fi
	fi
	mv run.out formatted

	cp "$f" work/Dockerfile
	dffix_run "$secs" - -w work/Dockerfile
	if check_limits "$name" "-w" "$bytes" "$lines"; then
		if [ "$rc" -ne 0 ]; then
			bad "$name: -w exit $rc: $(head -c 200 run.err)"
		elif ! cmp -s work/Dockerfile formatted; then
			bad "$name: -w wrote something else than stdout mode printed"
		elif ! no_temp_left work >/dev/null; then
			bad "$name: -w left a temporary file"
		fi
	fi

	dffix_run "$secs" - --check work/Dockerfile
	if check_limits "$name" "--check" "$bytes" "$lines"; then
		if [ "$rc" -ne 0 ]; then
			bad "$name: formatting the output again changes it (--check exit $rc)"
		fi
	fi

	# Findings (exit 1) are fine; errors are not.
	dffix_run "$secs" - --lint "$f"
	if check_limits "$name" "--lint" "$bytes" "$lines"; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
			bad "$name: --lint exit $rc: $(head -c 200 run.err)"
		fi
	fi
	rm -f work/Dockerfile formatted
	done_case
}

# refused NAME FILE [SECONDS]: dffix must refuse the file cleanly, in every
# mode, and -w must leave it alone.
refused() {
	local name=$1 f=$2 secs=${3:-30} bytes lines sum mode
	begin_case
	bytes=$(stat -c %s "$f")
	lines=$(wc -l <"$f")
	lines=$((lines + 1))
	vm_kb=$((2 * $(bound_kb "$bytes" "$lines") + 1048576))
	cp "$f" work/Dockerfile
	sum=$(sha256sum <work/Dockerfile)
	for mode in -w format -d --lint; do
		case $mode in
		format) dffix_run "$secs" - work/Dockerfile ;;
		*) dffix_run "$secs" - "$mode" work/Dockerfile ;;
		esac
		check_limits "$name" "$mode" "$bytes" "$lines" || continue
		check_error "$name" "$mode" work/Dockerfile
	done
	if [ "$(sha256sum <work/Dockerfile)" != "$sum" ]; then
		bad "$name: the file changed"
	fi
	if ! no_temp_left work >/dev/null; then
		bad "$name: a temporary file was left"
	fi
	rm -f work/Dockerfile
	done_case
}

# special NAME PATH: a path that is not a regular file is refused at once.
special() {
	local name=$1 p=$2 mode
	begin_case
	vm_kb=$((2 * 1048576))
	for mode in format -w --reprint; do
		case $mode in
		format) dffix_run 10 - "$p" ;;
		*) dffix_run 10 - "$mode" "$p" ;;
		esac
		check_limits "$name" "$mode" 0 0 || continue
		check_error "$name" "$mode" "$p"
	done
	done_case
}

gen() { python3 -c "$1" >"gen/$2" || { echo "hostile: generating $2 failed" >&2; exit 2; }; }

# Section - generated inputs

: >gen/empty
gen 'import sys
for i in range(2000):
    sys.stdout.write(("#" if i % 3 else "   #  ") + " comment %d\t\n" % i)
    if i % 10 == 0: sys.stdout.write("\n")' comments
gen "import sys
w = sys.stdout.write
w('FROM debian:12\n')
line = 'RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && echo %d\n'
n = size = 0
while size < $big_mb * 1024 * 1024:
    s = line % n; w(s); size += len(s); n += 1" big
gen 'import sys
sys.stdout.write("FROM alpine\nRUN echo " + "x" * (10 * 1024 * 1024) + "\n")' longline
gen 'import sys
w = sys.stdout.write
w("FROM alpine\nRUN echo start \\\n")
for i in range(100000): w("    && echo %d \\\n" % i)
w("    && echo end\n")' continuations
gen 'import sys
w = sys.stdout.write
w("FROM alpine\n")
for i in range(10000): w("RUN <<EOF\necho %d\nEOF\n" % i)' heredocs
gen 'import sys
w = sys.stdout.write
w("FROM alpine\nRUN")
for i in range(5000): w(" <<E%d" % i)
w(" cat\n")
for i in range(5000): w("body %d\nE%d\n" % (i, i))' heredocs_one_line
gen 'import sys
sys.stdout.write("FROM alpine\nRUN <<EOF\n" + "echo never ends\n" * 100000)' heredoc_unterminated
gen 'import sys
sys.stdout.write("FROM alpine\nRUN cat <<EOF <<-\"END\"\nfirst\nEOF\n\tsecond\n")' heredoc_second_unterminated
gen 'import sys
sys.stdout.write("FROM alpine\nRUN echo \"abc\nRUN echo '"'"'abc\nCMD [\"a\", \"b\"\nENTRYPOINT [\"a\nRUN echo ${X\nLABEL a=\"b\n")' unterminated_quotes
gen 'import sys
sys.stdout.buffer.write(b"FROM alpine\nRUN echo a\x00b\n")' nul
gen 'import sys
sys.stdout.buffer.write(b"\x00" * (1 << 20))' nul_only
gen 'import sys
sys.stdout.buffer.write(b"FROM alpine\nRUN echo \xff\xfe \xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf\nLABEL x=\xe2\x82\n# \xfe\xff\n")' bad_utf8
gen 'import sys
sys.stdout.buffer.write(b"\xef\xbb\xbfFROM alpine\r\nRUN echo hi\n")' bom_mixed
gen 'import sys
sys.stdout.buffer.write(b"FROM alpine\rRUN   echo x\rCMD  y\r")' lone_cr
gen 'import sys
sys.stdout.buffer.write(b"FROM alpine\r\nrun   echo a \\\r\n  && echo b\nCMD  y\r\n\n\r\nRUN x\n")' mixed_eol
gen 'import sys
sys.stdout.write("FROM alpine\n" + "ONBUILD " * 10000 + "RUN x\n")' onbuild_one_line
gen 'import sys
sys.stdout.write("FROM alpine\n" + "ONBUILD \\\n" * 10000 + "RUN x\n")' onbuild_continued
# shape NAME HEAD BODY [TAIL]: HEAD, then BODY 20,000 times (%d: the count,
# %p: the count before), then TAIL.
shape() {
	python3 -c 'import sys
head, body, tail = (a.encode().decode("unicode_escape") for a in sys.argv[1:4])
out = [head] + [body.replace("%d", str(i)).replace("%p", str(max(i - 1, 0))) for i in range(1, 20001)]
sys.stdout.write("".join(out + [tail]))' "$2" "$3" "${4:-}" >"gen/$1" ||
		{ echo "hostile: generating $1 failed" >&2; exit 2; }
}
shape many_stages 'FROM alpine:3.19 AS s0\n' 'FROM alpine:3.19 AS s%d\nCOPY --from=s%p /a /b\n'
shape copy_run_pairs 'FROM fedora:39\n' 'COPY src/file%d.py /app/\nRUN dnf install -y pkg%d\n'
shape many_volumes 'FROM fedora:39\n' 'VOLUME /data%d\n' 'USER 1001\n'
shape many_workdirs 'FROM fedora:39\n' 'WORKDIR /app%d\nRUN mkdir -p /app%d/x\n' 'USER 1001\n'
shape many_chowns 'FROM fedora:39\nUSER 1001\n' 'COPY --chown=1001 f%d /opt/app%d/\nRUN mkdir /srv/d%d\n'
shape many_maintainers 'FROM fedora:39\n' 'MAINTAINER me%d <a@b>\n'
shape untagged_froms '' 'FROM image%d\nRUN yum install -y x\n'

# Section - cases

accepted empty gen/empty
accepted comments-only gen/comments
accepted "big-${big_mb}MB" gen/big 240
refused 10MB-line gen/longline
accepted 100k-continuation-lines gen/continuations 60
accepted 10k-heredocs gen/heredocs 60
accepted 5k-heredocs-one-line gen/heredocs_one_line 60
refused unterminated-heredoc gen/heredoc_unterminated
refused second-heredoc-unterminated gen/heredoc_second_unterminated
accepted unterminated-quotes-json gen/unterminated_quotes
refused nul-byte gen/nul
refused nul-only-1MB gen/nul_only
accepted invalid-utf8 gen/bad_utf8
accepted bom-mixed-eol gen/bom_mixed
accepted lone-cr gen/lone_cr
accepted mixed-crlf-lf gen/mixed_eol
refused onbuild-10k-one-line gen/onbuild_one_line
for s in many_stages copy_run_pairs many_volumes many_workdirs many_chowns many_maintainers untagged_froms; do
	accepted "20k-$s" "gen/$s" 60
done

# 10,000 chained ONBUILDs on short lines: BuildKit's parser reads them, its
# instruction parser then refuses "ONBUILD ONBUILD". Either answer is fine,
# in bounded time and memory.
begin_case
vm_kb=$((2 * 1048576))
f=gen/onbuild_continued
dffix_run 30 - "$f"
if check_limits onbuild-10k-continued format "$(stat -c %s "$f")" 10002; then
	if [ "$rc" -eq 2 ]; then
		check_error onbuild-10k-continued format "$f"
	elif [ "$rc" -ne 0 ]; then
		bad "onbuild-10k-continued: exit $rc: $(head -c 200 run.err)"
	fi
fi
done_case

# A directory named Dockerfile: a directory argument is walked (gofmt), so
# it is read as an empty tree: exit 0, nothing printed or written.
begin_case
mkdir -p dirarg/Dockerfile
dffix_run 10 - -w dirarg/Dockerfile
if check_limits dir-named-Dockerfile -w 0 0; then
	if [ "$rc" -ne 0 ] || [ -s run.out ] || [ -n "$(ls -A dirarg/Dockerfile)" ]; then
		bad "dir-named-Dockerfile: exit $rc, stdout $(wc -c <run.out) bytes: $(head -c 200 run.err)"
	fi
fi
done_case

# The same met during a walk, beside a FIFO named Dockerfile.prod: the walk
# takes only regular files, so it neither blocks nor complains.
begin_case
mkdir -p walk/a/Dockerfile
mkfifo walk/Dockerfile.prod
printf 'FROM alpine\n' >walk/a/Containerfile
dffix_run 10 - -l walk
if check_limits walk-dir-and-fifo -l 0 0; then
	if [ "$rc" -ne 0 ] || grep -v '^dffix: ' run.err | grep -q .; then
		bad "walk-dir-and-fifo: exit $rc: $(head -c 200 run.err)"
	fi
fi
done_case

mkfifo fifo
special fifo fifo
special dev-null /dev/null
special dev-zero /dev/zero
ln -s loop loop
special symlink-loop loop
special missing-file does-not-exist
truncate -s 2G sparse
special sparse-2GiB sparse

# Binary data on stdin must be refused without reading a gigabyte first.
begin_case
dffix_run 20 /dev/zero
if check_limits stdin-dev-zero stdin 0 0; then
	if [ "$rc" -ne 2 ] || ! grep -Eq '^<standard input>:([0-9]+:[0-9]+:)? error: ' run.err || [ -s run.out ]; then
		bad "stdin-dev-zero: exit $rc: $(head -c 200 run.err)"
	fi
fi
done_case

# A FIFO on stdin is read to its end like a pipe.
begin_case
mkfifo fifo_in
(printf 'from alpine\n' >fifo_in &)
dffix_run 10 fifo_in
if check_limits stdin-fifo stdin 0 0; then
	if [ "$rc" -ne 0 ] || [ "$(cat run.out)" != "FROM alpine" ]; then
		bad "stdin-fifo: exit $rc: $(head -c 200 run.err)"
	fi
fi
done_case

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
