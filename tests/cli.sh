#!/usr/bin/env bash
# cli.sh DFFIX - the command-line contract (STYLE.md rule 19, DESIGN.md
# "Command line"): stdin/stdout, -w/-l/-d/--check and their exit codes, -w
# refused on stdin, atomic writes that keep the mode and fail cleanly when
# the directory cannot be written, the directory walk (VCS, dependency and
# .gitignore'd directories skipped), -j giving the same bytes, per-file errors
# as `path:line:col: error:` while the other files are still processed, and
# --stdin-filename. Every assertion counts; ends with "N passed, N failed".
set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 DFFIX" >&2
	exit 2
fi
DFFIX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
if [ ! -x "$DFFIX" ]; then
	echo "cli.sh: $DFFIX is not executable" >&2
	exit 2
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/dffix-cli.XXXXXX")
chmod 755 "$T"
cleanup() {
	chattr -R -i "$T" >/dev/null 2>&1
	chmod -R u+w "$T" >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T" || exit 2

passed=0
failed=0

# expect DESCRIPTION COMMAND...: one assertion.
expect() {
	local desc=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $desc"
	fi
}

# run [ARGS...]: runs dffix (no config files) with stdin from $IN (default
# /dev/null); leaves stdout in out, stderr in err and the exit code in $RC.
IN=/dev/null
run() {
	"$DFFIX" --no-config "$@" <"$IN" >out 2>err
	RC=$?
}
rc_is() { [ "$RC" = "$1" ]; }
out_is() { printf '%s' "$1" | cmp -s - out; }
out_empty() { [ ! -s out ]; }
err_empty() { [ ! -s err ]; }
err_has() { grep -qF -- "$1" err; }
same() { cmp -s "$1" "$2"; }
mode_is() { [ "$(stat -c %a "$1")" = "$2" ]; }

DIRTY=$'from   scratch\nrun echo hi\n'
FORMATTED=$'FROM scratch\nRUN echo hi\n'
BAD=$'FROM scratch\nCMD ["a", 1]\n'
printf '%s' "$DIRTY" >dirty.in
printf '%s' "$FORMATTED" >clean.in
printf '%s' "$BAD" >bad.in

# Section - stdin and stdout

IN=dirty.in run
expect "stdin: exit 0" rc_is 0
expect "stdin: formatted text on stdout" out_is "$FORMATTED"
expect "stdin: nothing on stderr" err_empty
IN=dirty.in run -
expect "'-' reads stdin: exit 0" rc_is 0
expect "'-' reads stdin: formatted text on stdout" out_is "$FORMATTED"
IN=clean.in run
expect "stdin, clean input: printed unchanged" out_is "$FORMATTED"
IN=dirty.in run --check
expect "--check on dirty stdin: exit 1" rc_is 1
expect "--check: nothing on stdout" out_empty
IN=clean.in run --check
expect "--check on clean stdin: exit 0" rc_is 0
IN=dirty.in run -l
expect "-l on dirty stdin: exit 1" rc_is 1
expect "-l on dirty stdin: names <standard input>" out_is $'<standard input>\n'
IN=dirty.in run -l --stdin-filename=sub/Dockerfile
expect "-l --stdin-filename: the given name is listed" out_is $'sub/Dockerfile\n'
IN=bad.in run --stdin-filename=some/Dockerfile
expect "--stdin-filename, bad input: exit 2" rc_is 2
expect "--stdin-filename, bad input: error names the file with line:col" err_has "some/Dockerfile:2:1: error:"
expect "bad input: nothing on stdout" out_empty
IN=bad.in run
expect "bad stdin: error names <standard input>" err_has "<standard input>:2:1: error:"

# --stdin-filename also picks the configuration next to that name.
mkdir cfg
printf 'indent: 2\n' >cfg/.dffix.yaml
printf 'RUN a \\\n        b\n' >cont.in
"$DFFIX" --stdin-filename="$T/cfg/Dockerfile" <cont.in >out 2>err
RC=$?
expect "--stdin-filename finds cfg/.dffix.yaml (indent: 2)" out_is $'RUN a \\\n  b\n'
"$DFFIX" <cont.in >out 2>err
expect "without --stdin-filename that config is not used" out_is $'RUN a \\\n    b\n'

# Section - -w refused on stdin

IN=dirty.in run -w
expect "-w with no path: exit 2" rc_is 2
expect "-w with no path: says why" err_has "standard input"
expect "-w with no path: nothing on stdout" out_empty
IN=dirty.in run -w -
expect "-w -: exit 2" rc_is 2
expect "-w -: says why" err_has "standard input"

# Section - -l, -d, --check on files

cp dirty.in d1
cp clean.in c1
run -l c1
expect "-l clean file: exit 0" rc_is 0
expect "-l clean file: no output" out_empty
run -l d1
expect "-l dirty file: exit 1" rc_is 1
expect "-l dirty file: its path is listed" out_is $'d1\n'
run -l c1 d1
expect "-l two files: only the dirty one is listed" out_is $'d1\n'
expect "-l two files: exit 1" rc_is 1
run -d c1
expect "-d clean file: exit 0" rc_is 0
expect "-d clean file: no output" out_empty
run -d d1
expect "-d dirty file: exit 1" rc_is 1
expect "-d dirty file: unified diff header" grep -q '^--- d1.orig' out
expect "-d dirty file: +++ line" grep -q '^+++ d1' out
expect "-d dirty file: the change" grep -qx '+FROM scratch' out
run --check c1
expect "--check clean file: exit 0" rc_is 0
run --check d1
expect "--check dirty file: exit 1" rc_is 1
expect "--check dirty file: nothing on stdout" out_empty
expect "-l/-d/--check leave the file untouched" same d1 dirty.in
run d1
expect "no flag: formatted file on stdout" out_is "$FORMATTED"
expect "no flag: file untouched" same d1 dirty.in

# Section - -w

cp dirty.in w640
chmod 0640 w640
cp dirty.in w755
chmod 0755 w755
run -w w640 w755
expect "-w: exit 0" rc_is 0
expect "-w: nothing on stdout" out_empty
expect "-w: 0640 file rewritten" same w640 clean.in
expect "-w: mode 0640 kept" mode_is w640 640
expect "-w: 0755 file rewritten" same w755 clean.in
expect "-w: mode 0755 kept" mode_is w755 755
expect "-w: no temporary file left behind" [ -z "$(find . -maxdepth 1 -name '*.dffix-*')" ]
cp clean.in wclean
touch -d '2001-01-01 00:00:00' wclean
before=$(stat -c '%i %Y' wclean)
run -w wclean
expect "-w clean file: exit 0" rc_is 0
expect "-w clean file: not rewritten (same inode and mtime)" [ "$before" = "$(stat -c '%i %Y' wclean)" ]

# A file whose directory cannot be written: as root, permissions do not stop
# writes, so make the directory immutable; else run as nobody on a directory
# without write permission.
mkdir rodir
cp dirty.in rodir/Dockerfile
ro_mode=""
if chattr +i rodir >/dev/null 2>&1; then
	ro_mode=chattr
	run -w rodir/Dockerfile
elif [ "$(id -u)" != 0 ]; then
	ro_mode=chmod
	chmod 0555 rodir
	run -w rodir/Dockerfile
elif command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	ro_mode=setpriv
	chmod 0555 rodir
	chmod 0644 rodir/Dockerfile
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$DFFIX" --no-config -w rodir/Dockerfile \
		</dev/null >out 2>err
	RC=$?
fi
if [ -n "$ro_mode" ]; then
	expect "-w, unwritable directory ($ro_mode): exit 2" rc_is 2
	expect "-w, unwritable directory: error names the file" err_has "rodir/Dockerfile: error:"
	expect "-w, unwritable directory: file untouched" same rodir/Dockerfile dirty.in
	expect "-w, unwritable directory: no stray file" [ "$(ls -A rodir)" = Dockerfile ]
	chattr -i rodir >/dev/null 2>&1
	chmod 0755 rodir
else
	echo "note: skipped the unwritable-directory test (no chattr, not root-capable setpriv)"
fi
# The file itself immutable (rename over it is refused).
cp dirty.in immut
if chattr +i immut >/dev/null 2>&1; then
	run -w immut
	expect "-w, immutable file: exit 2" rc_is 2
	expect "-w, immutable file: error names the file" err_has "immut: error:"
	chattr -i immut
	expect "-w, immutable file: untouched" same immut dirty.in
fi

# Section - directory walk

mk() {
	mkdir -p "$(dirname "$1")"
	printf '%s' "$DIRTY" >"$1"
}
mk tree/Dockerfile
mk tree/a/Containerfile
mk tree/a/b/Dockerfile.prod
mk tree/a/b/c/app.Dockerfile
mk tree/.git/Dockerfile
mk tree/.git/sub/x.Dockerfile
mk tree/node_modules/pkg/Dockerfile
mk tree/ignored/Dockerfile
mk tree/a/build-out/Dockerfile
mk tree/a/notes.txt
mk tree/a/Dockerfile.dockerignore
printf 'ignored/\nbuild-out/\n' >tree/.gitignore
run -l tree
expect "walk -l: exit 1" rc_is 1
expect "walk -l: exactly the Dockerfiles, sorted, skipping .git, node_modules, ignored ones" \
	out_is $'tree/Dockerfile\ntree/a/Containerfile\ntree/a/b/Dockerfile.prod\ntree/a/b/c/app.Dockerfile\n'
run -j 1 tree
cp out walk-j1.out
run -j 8 tree
expect "walk: -j 1 and -j 8 print identical bytes" same out walk-j1.out
expect "walk: output is the four formatted files" out_is "$FORMATTED$FORMATTED$FORMATTED$FORMATTED"
run -j 1 -d tree
cp out walk-d1.out
run -j 8 -d tree
expect "walk -d: -j 1 and -j 8 identical" same out walk-d1.out
# Many files: order still stable under -j.
for i in $(seq -w 1 40); do mk "many/d$i/Dockerfile"; done
printf 'FROM scratch\nCMD ["a", 1]\n' >many/d17/Dockerfile
# (The closing summary line on stderr holds the run time: left out.)
run -j 1 -l many
cp out many-j1.out
grep -v '^dffix: [0-9]* files' err >many-j1.err
run -j 8 -l many
grep -v '^dffix: [0-9]* files' err >many-j8.err
expect "40 files: -j 1 and -j 8 list identical bytes" same out many-j1.out
expect "40 files: -j 1 and -j 8 identical stderr (errors in order)" same many-j8.err many-j1.err
expect "40 files: the error is reported" grep -q '^many/d17/Dockerfile:2:1: error:' many-j8.err
expect "40 files: 39 listed" [ "$(wc -l <out)" = 39 ]
# An explicit path is processed whatever its name.
cp dirty.in notes.txt
run -l notes.txt
expect "explicit non-Dockerfile name is processed" out_is $'notes.txt\n'

# Section - errors: reported with position, file untouched, others still done

mk errs/a/Dockerfile
mkdir -p errs/b
printf '%s' "$BAD" >errs/b/Dockerfile
mk errs/c/Dockerfile
run -w errs
expect "-w tree with a bad file: exit 2" rc_is 2
expect "-w tree with a bad file: path:line:col: error:" err_has "errs/b/Dockerfile:2:1: error:"
expect "-w tree with a bad file: bad file untouched" cmp -s errs/b/Dockerfile bad.in
expect "-w tree with a bad file: the file before it rewritten" same errs/a/Dockerfile clean.in
expect "-w tree with a bad file: the file after it rewritten" same errs/c/Dockerfile clean.in
cp dirty.in e1
cp bad.in e2
cp dirty.in e3
run -l e1 e2 missing-file e3
expect "-l with bad and missing files: exit 2" rc_is 2
expect "-l with bad and missing files: the others listed" out_is $'e1\ne3\n'
expect "-l: bad file reported with line:col" err_has "e2:2:1: error:"
expect "-l: missing file reported" err_has "missing-file: error:"
printf 'FROM scratch\nRUN echo \0\n' >nul.in
run -w nul.in
expect "NUL byte: exit 2" rc_is 2
expect "NUL byte: path:line:col: error:" err_has "nul.in:2:10: error:"
expect "NUL byte: file untouched" [ "$(od -An -c nul.in | tr -d ' \n')" = 'FROMscratch\nRUNecho\0\n' ]
IN=nul.in run --reprint
expect "NUL byte: --reprint refuses too (exit 2)" rc_is 2

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
