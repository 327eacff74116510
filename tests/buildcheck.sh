#!/usr/bin/env bash
# buildcheck.sh DFFIX [DIR] - real builds prove the rewriting passes keep (or
# only change what they exist to change in) what a build produces:
# `make buildcheck`. DIR defaults to testdata/build.
#
# For each DIR/<pass>/<name>.Dockerfile (first line `# dffix-test: <flags>`;
# build context DIR/<pass>/context when it exists):
#   - `dffix <flags> input` gives the output; `dfbuildcmp input output` must
#     say same (exit 0).
#   - with <name>.naive beside it (the rewrite a careless tool would make):
#     `dfbuildcmp input naive` must say DIFFERENT (the refusal mattered), the
#     output must equal `dffix --fix=none input` (the pass changed nothing
#     but formatting), and `dffix --lint <flags> input` must report a refusal
#     (an `info:` finding of the pass).
#   - with <name>.dirs beside it (arbitrary-uid: image paths, one a line): the
#     output is built with buildah into a local directory and every path under
#     each listed directory must have gid 0 and group permission bits equal to
#     the user bits (symlinks are skipped: their mode means nothing). Instead
#     of "same", dfbuildcmp may only find gid/mode changes under those paths.
#
# Needs root, buildah and the oracle's dfbuildcmp (../shared/oracle/setup-build.sh);
# without them it prints "buildcheck: skipped: <why>" and exits 0.
# Ends with "N passed, N failed"; exits 1 when anything failed.
set -uo pipefail

dffix=$(realpath "${1:-./dffix}")
cd "$(dirname "$0")/.." || exit 2
dir=${2:-testdata/build}
prefix=${DFFIX_ORACLE_PREFIX:-$HOME/.cache/dffix-oracle}
dfbuildcmp=$prefix/bin/dfbuildcmp
broot=${DFFIX_BUILDAH_ROOT:-/tmp/dffix-buildah}

skip() {
	echo "########################################################################"
	echo "buildcheck: skipped: $*"
	echo "  (no real builds were checked; this is NOT a pass)"
	echo "########################################################################"
	exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root (buildah --isolation chroot)"
command -v buildah >/dev/null || skip "buildah is not installed (run ../shared/oracle/setup-build.sh as root)"
[ -x "$dfbuildcmp" ] || skip "no $dfbuildcmp (run ../shared/oracle/setup-build.sh as root)"
command -v python3 >/dev/null || skip "python3 is not installed"
bah=(buildah --root "$broot/root" --runroot "$broot/run" --storage-driver vfs)
mkdir -p "$broot"
if ! probe=$("${bah[@]}" images 2>&1); then
	skip "buildah does not work here: $(echo "$probe" | tail -1)"
fi
[ -d "$dir" ] || skip "no test cases in $dir"

work=$(mktemp -d "${TMPDIR:-/tmp}/dffix-buildcheck.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# Prints the case's flags from its first line, or nothing.
case_flags() {
	local first
	IFS= read -r first <"$1" || true
	first=${first%$'\r'}
	case $first in
	"# dffix-test:"*) echo "${first#"# dffix-test:"}" ;;
	esac
}

# Checks that the differences between the builds of input and output are
# only gid/mode changes of paths under the listed dirs. Reads `dfbuildcmp
# --show` output on stdin.
confined_diff() {
	python3 -c "$(cat <<'PY'
import json, sys
dirs = [l.strip().rstrip("/") for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
sections, cur = [], None
for line in sys.stdin:
    line = line.rstrip("\n")
    if line.startswith("### "):
        cur = []
        sections.append(cur)
    elif cur is not None and line.startswith(("config.", "image.", '"')):
        cur.append(line)
if len(sections) != 2:
    print("cannot read dfbuildcmp --show output")
    sys.exit(1)

def index(lines):
    out = {}
    for l in lines:
        if l.startswith('"'):
            path, end = json.JSONDecoder().raw_decode(l)
            out[path] = l[end:].split()
        else:
            out[l] = []
    return out

a, b = index(sections[0]), index(sections[1])
bad = []
for key in sorted(set(a) | set(b)):
    if a.get(key) == b.get(key):
        continue
    under = any(key == d or key.startswith(d + "/") for d in dirs)
    if key not in a or key not in b or not under:
        bad.append(f"{key}: {' '.join(a.get(key, ['(absent)']))} -> {' '.join(b.get(key, ['(absent)']))}")
        continue
    fa, fb = a[key], b[key]
    # fields: kind mode uid:gid [size sha nlink | -> target | dev] [xattrs]
    same_rest = fa[0] == fb[0] and fa[2].split(":")[0] == fb[2].split(":")[0] and fa[3:] == fb[3:]
    if not same_rest:
        bad.append(f"{key}: {' '.join(fa)} -> {' '.join(fb)}")
for line in bad[:10]:
    print("unexpected change: " + line)
sys.exit(1 if bad else 0)
PY
)" "$1"
}

# Checks gid 0 and g=u under each listed dir of a local build output.
group_writable() {
	python3 - "$1" "$2" <<'PY'
import os, stat, sys
root, dirs_file = sys.argv[1], sys.argv[2]
dirs = [l.strip().rstrip("/") for l in open(dirs_file) if l.strip() and not l.startswith("#")]
bad, checked = [], 0
for d in dirs:
    top = os.path.join(root, d.lstrip("/"))
    if not os.path.isdir(top) or os.path.islink(top):
        bad.append(f"{d}: not a directory in the image")
        continue
    for dirpath, dirnames, filenames in os.walk(top):
        for p in [dirpath] + [os.path.join(dirpath, n) for n in dirnames + filenames]:
            if p != dirpath and os.path.isdir(p) and not os.path.islink(p):
                continue  # visited as its own dirpath
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                continue
            checked += 1
            u, g = (st.st_mode >> 6) & 7, (st.st_mode >> 3) & 7
            rel = "/" + os.path.relpath(p, root)
            if st.st_gid != 0 or u != g:
                bad.append(f"{rel}: gid {st.st_gid} mode {stat.S_IMODE(st.st_mode):04o}")
for line in bad[:10]:
    print(line)
if not bad:
    print(f"{checked} paths ok")
sys.exit(1 if bad or not checked else 0)
PY
}

pass_names="pin-tag pkg-clean cache-order merge-run arbitrary-uid env-key-value maintainer"
shopt -s nullglob
for input in "$dir"/*/*.Dockerfile; do
	casedir=$(dirname "$input")
	pass=$(basename "$casedir")
	name=$(basename "$input" .Dockerfile)
	label="$pass/$name"
	read -ra flags <<<"$(case_flags "$input")"
	ctx=()
	[ -d "$casedir/context" ] && ctx=(--context "$casedir/context")
	out="$work/$pass-$name.out"
	why=""

	"$dffix" "${flags[@]}" "$input" >"$out" 2>"$work/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		why="dffix ${flags[*]} exited $rc: $(head -3 "$work/err" | tr '\n' ' ')"
	elif [ -f "$casedir/$name.dirs" ]; then
		"$dfbuildcmp" "${ctx[@]}" --show "$input" "$out" >"$work/cmp" 2>&1
		rc=$?
		if [ $rc -eq 1 ]; then
			if ! msg=$(confined_diff "$casedir/$name.dirs" <"$work/cmp"); then
				why="builds differ beyond gid/mode under the listed dirs: $(echo "$msg" | head -5)"
			fi
		elif [ $rc -ne 0 ]; then
			why="dfbuildcmp failed (exit $rc): $(grep -v '^[#"ci]' "$work/cmp" | tail -5 | tr '\n' ' ')"
		fi
		if [ -z "$why" ]; then
			dest="$work/rootfs"
			rm -rf "$dest"
			tag="localhost/dffix-buildcheck-$$:latest"
			ctxdir=${ctx[1]:-$work/emptyctx}
			mkdir -p "$work/emptyctx"
			if ! "${bah[@]}" build --isolation chroot --format docker --pull=never --layers=false \
				-f "$(realpath "$out")" -t "$tag" --output "type=local,dest=$dest" "$ctxdir" \
				>"$work/build.log" 2>&1; then
				why="buildah build of the output failed: $(tail -3 "$work/build.log" | tr '\n' ' ')"
			elif ! msg=$(group_writable "$dest" "$casedir/$name.dirs"); then
				why="not group-0 and g=u: $(echo "$msg" | tr '\n' ';')"
			fi
			"${bah[@]}" rmi -f "$tag" >/dev/null 2>&1
			rm -rf "$dest"
		fi
	else
		"$dfbuildcmp" "${ctx[@]}" "$input" "$out" >"$work/cmp" 2>&1
		rc=$?
		if [ $rc -eq 1 ]; then
			why="builds differ: $(head -8 "$work/cmp" | tr '\n' ' ')"
		elif [ $rc -ne 0 ]; then
			why="dfbuildcmp failed (exit $rc): $(tail -5 "$work/cmp" | tr '\n' ' ')"
		fi
	fi

	if [ -z "$why" ] && [ -f "$casedir/$name.naive" ]; then
		"$dfbuildcmp" "${ctx[@]}" "$input" "$casedir/$name.naive" >"$work/cmp" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			why="the naive rewrite builds the same image: the refusal proves nothing"
		elif [ $rc -ne 1 ]; then
			why="dfbuildcmp input naive failed (exit $rc): $(tail -3 "$work/cmp" | tr '\n' ' ')"
		elif ! "$dffix" --fix=none "$input" 2>/dev/null | cmp -s - "$out"; then
			why="dffix rewrote the input although a naive rewrite changes the build"
		else
			"$dffix" --lint "${flags[@]}" "$input" >"$work/lint" 2>&1
			want='\[DF1[0-9][0-9] [a-z-]+\]'
			case " $pass_names " in *" $pass "*) want="\\[DF1[0-9][0-9] $pass\\]" ;; esac
			if ! grep -Eq ": info: .*$want" "$work/lint" && ! grep -Eiq "refus.*$want" "$work/lint"; then
				why="dffix --lint ${flags[*]} reports no refusal: $(head -3 "$work/lint" | tr '\n' ' ')"
			fi
		fi
	fi

	if [ -z "$why" ]; then
		echo "ok   $label"
		passed=$((passed + 1))
	else
		echo "FAIL $label: $why"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
