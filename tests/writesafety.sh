#!/usr/bin/env bash
# tests/writesafety.sh DFFIX - `dffix -w` never loses data.
#
# Builds a fault-injection dffix (-DDFFIX_FAULT_INJECTION; src/fileio.c then
# fails the step named by DFFIX_FAULT=write|fsync|rename|enospc) into
# $WRITESAFETY_BUILD (default build-fault/), then checks, in a temporary
# directory:
#   - with each fault, -w fails with `path: error: ...`, exit 2, the file is
#     byte-identical, its mode, owner and inode are kept, no temp file is left;
#   - without faults, -w keeps the mode (setgid and sticky bits too) and, as
#     root, the owner and group; a file already formatted is not rewritten;
#   - an explicitly named symlink (relative, absolute, chained) is written
#     through and stays a link; a dangling one is an error;
#   - a file with 2 hard links is refused with a message, both names intact;
#   - a directory walk does not follow symlinks (to files or directories) and
#     does not hang on a symlink loop;
#   - -j 8 over 2,000 generated files writes the same bytes as -j 1, and the
#     -d output is the same, in the same order;
#   - the same file named several ways is renamed into place once (counted
#     with strace -e trace=rename,renameat,renameat2).
# Ends with "N passed, N failed"; exit 1 when any failed.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 DFFIX" >&2; exit 2; }
dffix=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$dffix" ] || { echo "writesafety: $1 is not executable" >&2; exit 2; }
build=${WRITESAFETY_BUILD:-$root/build-fault}
case $build in /*) ;; *) build=$root/$build ;; esac

mkdir -p "$build"
fault=$build/dffix
# shellcheck disable=SC2086
if ! (cd "$root" && ${CC:-cc} -std=c11 -O1 -g -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DDFFIX_FAULT_INJECTION src/*.c -o "$fault" -lpcre2-8 -lyaml -leditorconfig -lpthread); then
	echo "writesafety: building the fault-injection dffix failed" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dffix-write.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2

pass=0
fail=0
case_bad=0
begin_case() { case_bad=0; }
bad() {
	case_bad=1
	echo "FAIL $*"
}
done_case() {
	if [ "$case_bad" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}
skip() { echo "skip $*"; }

is_root=0
[ "$(id -u)" = 0 ] && is_root=1

# An input that formatting changes, and what it becomes.
unformatted() { printf 'from   alpine:3.19\nrun  echo hi  &&\\\n  echo there\n# keep me\ncmd ["sh",  "-c", "x"]\n'; }
unformatted >expected.in
"$dffix" --no-config <expected.in >expected.out
if cmp -s expected.in expected.out; then
	echo "writesafety: the sample input is not changed by formatting; fix the test" >&2
	exit 2
fi

# stat fields: mode (octal), owner, group, inode, link count.
meta() { stat -c '%a %u %g %i %h' "$1"; }
# Temporary files of dffix in directory $1.
temps() { find "$1" -maxdepth 1 -name '.*.dffix-*' | head -3; }

# Section - faults

for f in write fsync rename enospc; do
	begin_case
	d=fault-$f
	mkdir -p "$d"
	unformatted >"$d/Dockerfile"
	chmod 0640 "$d/Dockerfile"
	[ $is_root = 1 ] && chown 1234:5678 "$d/Dockerfile"
	before_sum=$(sha256sum <"$d/Dockerfile")
	before_meta=$(meta "$d/Dockerfile")
	DFFIX_FAULT=$f "$fault" --no-config -w "$d/Dockerfile" >out 2>err
	rc=$?
	[ "$rc" -eq 2 ] || bad "fault $f: exit $rc, want 2"
	grep -Eq "^$d/Dockerfile: error: .+" err || bad "fault $f: no clear message: $(head -c 200 err)"
	[ "$(sha256sum <"$d/Dockerfile")" = "$before_sum" ] || bad "fault $f: the file changed"
	[ "$(meta "$d/Dockerfile")" = "$before_meta" ] || bad "fault $f: mode/owner/inode changed: $before_meta -> $(meta "$d/Dockerfile")"
	[ -z "$(temps "$d")" ] || bad "fault $f: temporary file left: $(temps "$d")"
	[ "$(find "$d" -mindepth 1 | wc -l)" -eq 1 ] || bad "fault $f: stray files: $(ls -A "$d")"
	done_case
done

# The fault build without a fault works (so the faults above were the cause).
begin_case
mkdir -p nofault
unformatted >nofault/Dockerfile
"$fault" --no-config -w nofault/Dockerfile 2>err || bad "fault build, no fault: exit $?: $(head -c 200 err)"
cmp -s nofault/Dockerfile expected.out || bad "fault build, no fault: wrong result"
done_case

# Section - mode, owner, no needless rewrite

for mode in 0644 0600 0755 2775 1777 0444; do
	begin_case
	d=mode-$mode
	mkdir -p "$d"
	unformatted >"$d/Dockerfile"
	chmod "$mode" "$d/Dockerfile"
	want=$(stat -c %a "$d/Dockerfile")
	"$dffix" --no-config -w "$d/Dockerfile" 2>err || bad "mode $mode: exit $?: $(head -c 200 err)"
	cmp -s "$d/Dockerfile" expected.out || bad "mode $mode: wrong result"
	[ "$(stat -c %a "$d/Dockerfile")" = "$want" ] || bad "mode $mode: became $(stat -c %a "$d/Dockerfile")"
	[ -z "$(temps "$d")" ] || bad "mode $mode: temporary file left"
	done_case
done

begin_case
if [ $is_root = 1 ]; then
	mkdir -p owner
	unformatted >owner/Dockerfile
	chown 1234:5678 owner/Dockerfile
	chmod 2750 owner/Dockerfile
	"$dffix" --no-config -w owner/Dockerfile 2>err || bad "owner: exit $?: $(head -c 200 err)"
	cmp -s owner/Dockerfile expected.out || bad "owner: wrong result"
	[ "$(stat -c '%u:%g %a' owner/Dockerfile)" = "1234:5678 2750" ] ||
		bad "owner: became $(stat -c '%u:%g %a' owner/Dockerfile), want 1234:5678 2750"
	done_case
else
	skip "owner: not root"
fi

begin_case
mkdir -p unchanged
cp expected.out unchanged/Dockerfile
touch -d '2001-02-03 04:05:06' unchanged/Dockerfile
before=$(stat -c '%i %Y' unchanged/Dockerfile)
"$dffix" --no-config -w unchanged/Dockerfile 2>err || bad "unchanged: exit $?: $(head -c 200 err)"
[ "$(stat -c '%i %Y' unchanged/Dockerfile)" = "$before" ] || bad "unchanged: an already formatted file was rewritten"
done_case

# Section - symlinks and hard links

begin_case
mkdir -p links/real links/other
unformatted >links/real/Dockerfile
ln -s ../real/Dockerfile links/other/rel.Dockerfile     # relative, resolved from its own directory
ln -s "$tmp/links/other/rel.Dockerfile" links/abs.Dockerfile # absolute, to another link
"$dffix" --no-config -w links/abs.Dockerfile 2>err || bad "symlink: exit $?: $(head -c 200 err)"
[ -L links/abs.Dockerfile ] && [ "$(readlink links/abs.Dockerfile)" = "$tmp/links/other/rel.Dockerfile" ] ||
	bad "symlink: the named link was replaced"
[ -L links/other/rel.Dockerfile ] && [ "$(readlink links/other/rel.Dockerfile)" = ../real/Dockerfile ] ||
	bad "symlink: the intermediate link was replaced"
[ -f links/real/Dockerfile ] && [ ! -L links/real/Dockerfile ] && cmp -s links/real/Dockerfile expected.out ||
	bad "symlink: the target was not written"
[ -z "$(temps links)$(temps links/other)$(temps links/real)" ] || bad "symlink: temporary file left"
done_case

begin_case
ln -s does-not-exist links/dangling.Dockerfile
"$dffix" --no-config -w links/dangling.Dockerfile >out 2>err
rc=$?
[ "$rc" -eq 2 ] && grep -q '^links/dangling.Dockerfile: error: ' err || bad "dangling symlink: exit $rc: $(head -c 200 err)"
[ -L links/dangling.Dockerfile ] && [ ! -e does-not-exist ] && [ ! -e links/does-not-exist ] ||
	bad "dangling symlink: something was created"
done_case

begin_case
mkdir -p hard
unformatted >hard/Dockerfile
ln hard/Dockerfile hard/other.Dockerfile
sum=$(sha256sum <hard/Dockerfile)
ino=$(stat -c %i hard/Dockerfile)
"$dffix" --no-config -w hard/Dockerfile >out 2>err
rc=$?
[ "$rc" -eq 2 ] || bad "hard link: exit $rc, want 2"
grep -q '^hard/Dockerfile: error: .*hard link' err || bad "hard link: no clear message: $(head -c 200 err)"
[ "$(sha256sum <hard/Dockerfile)" = "$sum" ] && [ "$(stat -c '%i %h' hard/Dockerfile)" = "$ino 2" ] &&
	[ "$(stat -c %i hard/other.Dockerfile)" = "$ino" ] || bad "hard link: the files changed"
[ -z "$(temps hard)" ] || bad "hard link: temporary file left"
done_case

# A walk writes regular files only: links to files or directories outside
# stay untouched, as do their targets; a symlink loop does not hang it.
begin_case
mkdir -p walk/tree/sub outside/dir
unformatted >walk/tree/sub/Dockerfile
unformatted >outside/Dockerfile
unformatted >outside/dir/Dockerfile
ln -s ../../outside/Dockerfile walk/tree/Containerfile
ln -s ../../outside/dir walk/tree/linkdir
ln -s loop walk/tree/loop
ln -s . walk/tree/sub/self
out_sum=$(cat outside/Dockerfile outside/dir/Dockerfile | sha256sum)
timeout 20 "$dffix" --no-config -w walk/tree >out 2>err
rc=$?
[ "$rc" -eq 0 ] || bad "walk: exit $rc: $(head -c 200 err)"
cmp -s walk/tree/sub/Dockerfile expected.out || bad "walk: the regular file was not formatted"
[ "$(cat outside/Dockerfile outside/dir/Dockerfile | sha256sum)" = "$out_sum" ] || bad "walk: followed a symlink"
[ -L walk/tree/Containerfile ] && [ -L walk/tree/linkdir ] || bad "walk: a symlink was replaced"
done_case

# Section - parallel writes

# 2,000 files from a few templates, some needing changes, some not, some
# refused (syntax errors), in nested directories with the names a walk takes.
gen_tree() {
	python3 - "$1" <<'EOF'
import os, sys
root = sys.argv[1]
templates = [
    "from alpine:3.19\nrun  apk add --no-cache curl &&\\\n    echo done %d\n",
    "FROM debian:12\n\nRUN echo %d\n",
    "# comment %d\nFROM ubuntu AS build\nrun    make \\\n  # inside\n   && make install\nCOPY --from=build /a /b\n",
    "FROM alpine\r\nENV  A=%d\r\nCMD [\"sh\",\"-c\",   \"echo\"]\r\n",
    "FROM alpine\nRUN <<EOF\necho %d\nEOF\nonbuild run  echo x\n",
    "FROM alpine\nENV x\nRUN echo %d\n",       # an error: ENV needs a value
    "FROM alpine\nRUN <<EOF\necho %d\n",           # an error: unterminated heredoc
]
names = ["Dockerfile", "Containerfile", "app.Dockerfile", "Dockerfile.prod"]
for i in range(2000):
    d = os.path.join(root, "d%02d" % (i % 37), "s%03d" % i)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, names[i % len(names)]), "w", newline="") as f:
        f.write(templates[i % len(templates)] % i)
EOF
}
begin_case
gen_tree par1 && cp -a par1 par8 && cp -a par1 pard
"$dffix" --no-config -j 1 -d pard >diff1.out 2>/dev/null
"$dffix" --no-config -j 8 -d pard >diff8.out 2>/dev/null
"$dffix" --no-config -j 1 -w par1 >/dev/null 2>err1
rc1=$?
"$dffix" --no-config -j 8 -w par8 >/dev/null 2>err8
rc8=$?
[ "$rc1" = "$rc8" ] || bad "-j 8: exit $rc8, -j 1 exit $rc1"
diff -r par1 par8 >/dev/null || bad "-j 8 wrote different bytes than -j 1: $(diff -rq par1 par8 | head -3)"
[ "$(grep -c ': error: ' err1)" = "$(grep -c ': error: ' err8)" ] && [ "$(grep -c ': error: ' err1)" -gt 0 ] ||
	bad "-j 8: error lines differ ($(grep -c ': error: ' err1) vs $(grep -c ': error: ' err8))"
cmp -s diff1.out diff8.out || bad "-j 8 -d output differs from -j 1"
[ -s diff1.out ] || bad "-d printed nothing"
diff -r par1 pard >/dev/null && bad "-w changed nothing"
[ -z "$(find par1 par8 -name '.*.dffix-*' | head -1)" ] || bad "-j 8: temporary files left"
done_case

# Section - the same file named twice is written once

begin_case
if command -v strace >/dev/null; then
	mkdir -p twice/sub
	unformatted >twice/Dockerfile
	ln -s ../Dockerfile twice/sub/link.Dockerfile
	(cd twice && strace -f -qq -o ../strace.log -e trace=rename,renameat,renameat2 \
		"$dffix" --no-config -j 4 -w Dockerfile ./Dockerfile sub/../Dockerfile "$tmp/twice/Dockerfile" \
		sub/link.Dockerfile >../out 2>../err)
	rc=$?
	n=$(grep -cE '^[0-9]+ +rename(at2?)?\(' strace.log)
	[ "$rc" -eq 0 ] || bad "named twice: exit $rc: $(head -c 200 err)"
	[ "$n" -eq 1 ] || bad "named twice: $n renames, want 1"
	cmp -s twice/Dockerfile expected.out || bad "named twice: wrong result"
	done_case
else
	skip "named twice: strace not installed"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
