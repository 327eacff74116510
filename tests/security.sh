#!/usr/bin/env bash
# tests/security.sh DFFIX - what dffix does to the system, seen with strace:
#   - it never runs a program: no execve/execveat after the one that starts it;
#   - it never touches the network: no socket, socketpair, connect, bind,
#     listen, accept, sendto or sendmsg;
#   - it writes only what it was asked to: every path opened for writing (or
#     created) is a temporary file ".<name>.dffix-XXXXXX" next to a target,
#     every rename moves such a file onto its target, every unlink removes
#     one; no mkdir, rmdir, link, symlink, truncate, chmod or chown by path.
#     Modes that do not write (stdout, -l, -d, --check, --lint, --dump,
#     --reprint) open nothing for writing at all.
# Each mode runs over a tree with config files, ignore files, a symlink and
# Dockerfiles that mention URLs, registries, `# syntax=` images and
# commands, so that anything tempted to fetch or run would show.
# Ends with "N passed, N failed"; exit 1 when any failed.
set -u
[ $# -ge 1 ] || { echo "usage: $0 DFFIX" >&2; exit 2; }
dffix=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$dffix" ] || { echo "security: $1 is not executable" >&2; exit 2; }
command -v strace >/dev/null || { echo "security: strace not installed (make deps)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "security: python3 missing" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dffix-sec.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
tmp=$(pwd -P)

pass=0
fail=0

# judge.py TRACE TREE WRITES NAME: exit 1 and say why when the trace breaks a rule.
cat >judge.py <<'EOF'
import os, re, sys
trace, tree, writes, name = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
targets = set()
if writes != "none":
    for w in writes.split():
        targets.add(os.path.realpath(os.path.join(tree, w)))
problems = []
execs = 0
renames = 0

def unq(s):
    # strace quotes paths C-style; our test paths are plain.
    return s.encode().decode("unicode_escape")

def resolve(dirfd, path):
    if path.startswith("/"):
        return os.path.normpath(path)
    if dirfd is None or dirfd == "AT_FDCWD":
        base = tree
    else:
        m = re.match(r"(?:\d+|AT_FDCWD)<(.*)>$", dirfd)
        base = m.group(1) if m else tree
    return os.path.normpath(os.path.join(base, path))

def is_temp(p):
    d, b = os.path.split(p)
    m = re.match(r"^\.(.+)\.dffix-[A-Za-z0-9]{6}$", b)
    if not m or writes == "none":
        return False
    # The base name may be cut to fit NAME_MAX; it must start a target's name
    # in the same directory.
    return any(os.path.dirname(t) == d and os.path.basename(t).startswith(m.group(1)) for t in targets)

WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
with open(trace) as f:
    lines = f.read().splitlines()
for line in lines:
    m = re.match(r"^(\d+)\s+(\w+)\((.*)$", line)
    if not m:
        continue
    call, args = m.group(2), m.group(3)
    failed = re.search(r"\)\s+=\s+-1 ", line) is not None
    if call in ("execve", "execveat"):
        execs += 1
        if execs > 1:
            problems.append("runs a program: " + line)
        continue
    if call in ("socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "sendto", "sendmsg"):
        problems.append("network: " + line)
        continue
    strs = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
    if call in ("open", "creat", "openat", "openat2"):
        dirfd = None
        if call.startswith("openat"):
            dirfd = args.split(",", 1)[0].strip()
        if not strs:
            continue
        p = resolve(dirfd, unq(strs[0]))
        if call == "creat" or any(fl in args for fl in WRITE_FLAGS):
            if not is_temp(p):
                problems.append("opens for writing %s: %s" % (p, line))
        continue
    if call in ("rename", "renameat", "renameat2"):
        if len(strs) < 2:
            problems.append("rename: cannot read " + line)
            continue
        parts = [a.strip() for a in args.split(",")]
        if call == "rename":
            src, dst = resolve(None, unq(strs[0])), resolve(None, unq(strs[1]))
        else:
            src, dst = resolve(parts[0], unq(strs[0])), resolve(parts[2], unq(strs[1]))
        if not is_temp(src) or os.path.realpath(dst) not in targets:
            problems.append("renames %s -> %s" % (src, dst))
        elif not failed:
            renames += 1
        continue
    if call in ("unlink", "unlinkat"):
        dirfd = args.split(",", 1)[0].strip() if call == "unlinkat" else None
        p = resolve(dirfd, unq(strs[0])) if strs else "?"
        if not is_temp(p):
            problems.append("removes " + p)
        continue
    # Anything else traced changes the file system by path.
    if not failed:
        problems.append("changes the file system: " + line)
    else:
        problems.append("tries to change the file system: " + line)
if execs == 0:
    problems.append("no execve seen: is strace working?")
if writes != "none" and renames == 0:
    problems.append("no file was written: is the test input already formatted?")
if problems:
    print("FAIL %s:" % name)
    for p in problems[:10]:
        print("    " + p)
    sys.exit(1)
EOF

# The tree every run sees.
make_tree() {
	rm -rf tree
	mkdir -p tree/app tree/svc/.git tree/vendor home
	cat >tree/app/Dockerfile <<'EOF'
# syntax=docker/dockerfile:1.7
from   registry.example.com:5000/team/base:1.0
add  https://example.com/archive.tar.gz /tmp/
run  curl -fsSL https://example.com/install.sh | sh &&\
   wget http://example.org/x
MAINTAINER someone <a@example.com>
env A 1
user root
cmd ["sh", "-c",  "nc example.com 80"]
EOF
	cat >tree/svc/Containerfile <<'EOF'
FROM docker.io/library/alpine:3.19
RUN apk add curl
RUN apk add git
COPY . /app
RUN <<EOF2
ping -c1 example.com
EOF2
EOF
	cp tree/app/Dockerfile tree/svc/.git/Dockerfile
	cp tree/app/Dockerfile tree/vendor/Dockerfile
	printf 'FROM alpine:3.19\n' >tree/svc/formatted.Dockerfile
	printf 'vendor/\n' >tree/.gitignore
	printf 'root = true\n[*]\nindent_style = space\nindent_size = 2\n' >tree/.editorconfig
	printf 'indent: 4\nfix: all\npins:\n  alpine: "3.19"\n' >tree/.dffix.yaml
	ln -s app/Dockerfile tree/Dockerfile.link
}

# check NAME WRITES -- DFFIX-ARGS...: run dffix under strace in tree/ and
# judge the trace. WRITES is "none" or the targets -w may replace (paths
# relative to tree/, space-separated).
check() {
	local name=$1 writes=$2
	shift 3
	make_tree
	(cd tree && HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" \
		strace -f -qq -y -s 4096 -o "$tmp/trace" \
		-e trace=execve,execveat,socket,socketpair,connect,bind,listen,accept,accept4,sendto,sendmsg,open,openat,openat2,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,rmdir,link,linkat,symlink,symlinkat,truncate,chmod,fchmodat,chown,lchown,fchownat,mknod,mknodat \
		"$dffix" "$@" </dev/null >"$tmp/out" 2>"$tmp/err")
	local rc=$?
	if [ "$rc" -gt 2 ]; then
		echo "FAIL $name: dffix exit $rc: $(head -c 300 "$tmp/err")"
		fail=$((fail + 1))
		return
	fi
	if python3 judge.py "$tmp/trace" "$tmp/tree" "$writes" "$name"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

check "stdin to stdout" none -- --no-config -
check "format to stdout" none -- app/Dockerfile svc/Containerfile
check "-l walk" none -- -l .
check "-d walk" none -- -d .
check "--check walk" none -- --check .
check "--lint walk" none -- --lint .
check "--lint json" none -- --lint --format=json .
check "--dump" none -- --dump app/Dockerfile
check "--reprint" none -- --reprint app/Dockerfile svc/Containerfile
check "--pin and all passes" none -- --pin alpine=3.19@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef --fix=all -d .
check "-w explicit files" "app/Dockerfile svc/Containerfile svc/formatted.Dockerfile" -- -w app/Dockerfile svc/Containerfile svc/formatted.Dockerfile
check "-w walk" "app/Dockerfile svc/Containerfile svc/formatted.Dockerfile" -- -w .
check "-w -j 4 walk" "app/Dockerfile svc/Containerfile svc/formatted.Dockerfile" -- -w -j 4 .
check "-w named symlink" "app/Dockerfile" -- -w Dockerfile.link

# Self-test: the judge catches a program that writes, runs and connects.
make_tree
(cd tree && strace -f -qq -y -s 4096 -o "$tmp/trace" -e trace=execve,openat,open,creat,socket,connect \
	bash -c 'echo x > stray; ls >/dev/null; exec 3<>/dev/tcp/127.0.0.1/9' >/dev/null 2>&1)
if python3 judge.py "$tmp/trace" "$tmp/tree" none self-test >"$tmp/self" 2>&1; then
	echo "FAIL self-test: the judge passed a trace that writes, runs and connects"
	fail=$((fail + 1))
elif grep -q 'opens for writing' "$tmp/self" && grep -q 'runs a program' "$tmp/self" && grep -q 'network' "$tmp/self"; then
	pass=$((pass + 1))
else
	echo "FAIL self-test: the judge missed something:"
	sed 's/^/    /' "$tmp/self"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
