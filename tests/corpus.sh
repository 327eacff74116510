#!/usr/bin/env bash
# corpus.sh DFFIX - the DESIGN.md invariants over every file of the shared
# corpus (../shared/corpus/MANIFEST.tsv, column 1; missing files skipped):
#
#   reprint            `dffix --reprint` gives the input byte for byte
#   accepts            dffix does not reject a file that BuildKit's parser accepts
#   format-idempotent  formatting (--fix=none) the output again changes nothing
#   format-comments    every comment line of the input (continuations included)
#                      is in the output: same trimmed text, same order
#   format-oracle      BuildKit's parser (dfdump --equal --shell-ws) sees the
#                      same instructions in input and output; files with
#                      heredocs, which it cannot read, go to dfdump.js --equal
#   fix-parses         with all passes on, the output parses if the input did
#   fix-comments       ... and keeps every comment line of the input
#   fix-idempotent     ... and running dffix on it again changes nothing
#
# Known, explained failures are listed in tests/corpus-allow.tsv
# (path<TAB>check<TAB>reason). Environment: DFFIX_CORPUS (default
# ../shared/corpus beside the project), DFFIX_ORACLE_PREFIX (default
# ~/.cache/dffix-oracle), JOBS (default 2). Prints counts per check, one line
# per failure, and "N passed, N failed"; exits 1 on any failure.
set -euo pipefail

if [ $# -lt 1 ]; then
	echo "usage: $0 DFFIX" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
export DFFIX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export CORPUS=${DFFIX_CORPUS:-$here/../../shared/corpus}
export ORACLE=${DFFIX_ORACLE_PREFIX:-$HOME/.cache/dffix-oracle}/bin
export ALLOW=$here/corpus-allow.tsv
export JOBS=${JOBS:-2}

for tool in "$DFFIX" "$ORACLE/dfdump" "$ORACLE/dfdump.js"; do
	if [ ! -x "$tool" ]; then
		echo "corpus.sh: $tool not found (the oracle comes from ../shared/oracle/setup.sh)" >&2
		exit 2
	fi
done
if [ ! -f "$CORPUS/MANIFEST.tsv" ]; then
	echo "corpus.sh: $CORPUS/MANIFEST.tsv not found" >&2
	exit 2
fi

exec python3 - <<'PY'
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

DFFIX = os.environ["DFFIX"]
CORPUS = os.environ["CORPUS"]
ORACLE = os.environ["ORACLE"]
ALLOW = os.environ["ALLOW"]
JOBS = int(os.environ["JOBS"])
DFDUMP = os.path.join(ORACLE, "dfdump")
DFDUMP_JS = os.path.join(ORACLE, "dfdump.js")
CHECKS = ["reprint", "accepts", "format-idempotent", "format-comments", "format-oracle",
          "fix-parses", "fix-comments", "fix-idempotent"]
TIMEOUT = 60


def run(argv, stdin=b""):
    try:
        p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, b"", b"timed out"


def dffix(args, path, stdin=None):
    """dffix on a file, or on stdin named as that file (same config and context)."""
    base = [DFFIX, "--no-config"] + args
    if stdin is None:
        return run(base + [path])
    return run(base + ["--stdin-filename=" + path], stdin)


def crashed(rc):
    return rc is None or rc < 0 or rc > 2


def comment_lines(data):
    """Trimmed text of every line that is a comment once its leading blanks are
    skipped: comment nodes, directives and comment lines inside continuations.
    Heredoc body lines that look like comments are counted too; they are
    printed verbatim, so they are kept as well."""
    out = []
    for line in data.split(b"\n"):
        t = line.strip()
        if t.startswith(b"#"):
            out.append(t)
    return out


def is_subsequence(small, big):
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def multiset_included(small, big):
    count = {}
    for x in big:
        count[x] = count.get(x, 0) + 1
    for x in small:
        if count.get(x, 0) == 0:
            return False
        count[x] -= 1
    return True


# Section - our own comparison of two dfdump dumps

def shell_ws(s):
    """Port of the oracle's shellWS (../shared/oracle/dfdump/main.go): runs of
    unquoted blanks count as one space, ends trimmed."""
    b = []
    blank = False
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in " \t":
            blank = True
            i += 1
            continue
        if blank and b:
            b.append(" ")
        blank = False
        if c == "\\":
            b.append(s[i:i + 2])
            i += 2
            continue
        if c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                b.append(s[i:])
                return "".join(b)
            b.append(s[i:j + 1])
            i = j + 1
            continue
        if c == '"':
            j = i + 1
            while j < n and s[j] != '"':
                if s[j] == "\\":
                    j += 1
                j += 1
            if j >= n:
                b.append(s[i:])
                return "".join(b)
            b.append(s[i:j + 1])
            i = j + 1
            continue
        if c == "$" and i + 1 < n and s[i + 1] == "{":
            depth, j = 0, i + 1
            while j < n:
                if s[j] == "\\":
                    j += 1
                elif s[j] == "{":
                    depth += 1
                elif s[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                b.append(s[i:])
                return "".join(b)
            b.append(s[i:j + 1])
            i = j + 1
            continue
        b.append(c)
        i += 1
    return "".join(b)


def normalize(ins, squeeze):
    ins = dict(ins)
    for k in ("line", "end_line", "original"):
        ins.pop(k, None)
    args = list(ins.get("args", []))
    cmd = ins.get("cmd")
    if squeeze and not ins.get("json"):
        if cmd in ("run", "cmd", "entrypoint"):
            args = [shell_ws(a) for a in args]
        elif cmd == "healthcheck" and len(args) == 2 and args[0].lower() == "cmd":
            args[1] = shell_ws(args[1])
    # dfdump compares literally two words that BuildKit reads case-insensitively
    # and the formatter upper-cases: FROM's `AS` (instructions.parseFrom uses
    # strings.EqualFold) and HEALTHCHECK's type (parseHealthcheck upper-cases
    # it). Compare them upper-cased.
    if cmd == "from" and len(args) == 3 and args[1].lower() == "as":
        args[1] = "AS"
    if cmd == "healthcheck" and args and args[0].lower() in ("cmd", "none"):
        args[0] = args[0].upper()
    ins["args"] = args
    if ins.get("sub"):
        ins["sub"] = normalize(ins["sub"], squeeze)
    return ins


def dumps_equal(a, b):
    if a["escape"] != b["escape"] or a["directives"] != b["directives"]:
        return False
    squeeze = a["escape"] == "\\"
    ia = [normalize(x, squeeze) for x in a["instructions"]]
    ib = [normalize(x, squeeze) for x in b["instructions"]]
    return ia == ib


def has_heredocs(dump_text):
    try:
        d = json.loads(dump_text)
    except ValueError:
        return False
    def any_hd(i):
        return bool(i.get("heredocs")) or (i.get("onbuild") and any_hd(i["onbuild"]))
    return any(any_hd(i) for i in d.get("instructions", []))


# Section - one file

def check_file(rel):
    path = os.path.join(CORPUS, rel)
    with open(path, "rb") as f:
        data = f.read()
    res = {}  # check -> None (pass) or a message; absent = not applicable

    rc, out, err = run([DFFIX, "--no-config", "--reprint", path])
    res["reprint"] = None if rc == 0 and out == data else "reprint %s (rc %s)" % (
        "differs" if rc == 0 else "failed", rc)

    # BuildKit's parser keeps no arguments of an instruction missing from its
    # command table, so dfdump refuses such files by default. For them (mostly
    # templates) --no-check still compares every known instruction, and
    # dfdump.js, which keeps the words of unknown ones, compares the rest.
    ocheck = []
    orc, odump, oerr = run([DFDUMP, path])
    if orc == 1 and b"unknown instruction" in oerr:
        orc, odump, oerr = run([DFDUMP, "--no-check", path])
        ocheck = ["--no-check"]
    oracle_ok = orc == 0

    rc1, fmt1, err1 = dffix(["--fix=none"], path)
    if crashed(rc1):
        res["accepts"] = "dffix crashed or hung (rc %s): %s" % (rc1, err1[:200].decode("utf-8", "replace"))
        return rel, res
    if rc1 == 2:
        if oracle_ok:
            res["accepts"] = "dffix rejects a file BuildKit accepts: " + err1.decode("utf-8", "replace").strip()[:300]
        return rel, res
    res["accepts"] = None

    rc2, fmt2, err2 = dffix(["--fix=none"], path, fmt1)
    res["format-idempotent"] = None if rc2 == 0 and fmt2 == fmt1 else "second format changes the output (rc %s)" % rc2

    ci, co = comment_lines(data), comment_lines(fmt1)
    res["format-comments"] = None if ci == co else "comment lines differ (%d in input, %d in output)" % (len(ci), len(co))

    heredocs = b"<<" in data and has_heredocs(dffix(["--dump"], path)[1])
    if heredocs:
        with tempfile.NamedTemporaryFile(suffix=".Dockerfile") as t:
            t.write(fmt1)
            t.flush()
            jrc, jout, jerr = run([DFDUMP_JS, "--equal", path, t.name])
        res["format-oracle"] = None if jrc == 0 else "dfdump.js --equal: " + (jout + jerr).decode("utf-8", "replace").strip()[:300]
    elif oracle_ok:
        erc, eout, eerr = run([DFDUMP, "--equal", "--shell-ws"] + ocheck + [path, "-"], fmt1)
        if erc == 0:
            res["format-oracle"] = None
        else:
            drc, fdump, _ = run([DFDUMP] + ocheck + ["-"], fmt1)
            if drc == 0 and dumps_equal(json.loads(odump), json.loads(fdump)):
                res["format-oracle"] = None
            else:
                res["format-oracle"] = "dfdump --equal --shell-ws: " + (eout + eerr).decode("utf-8", "replace").strip()[:400]
        if ocheck and res["format-oracle"] is None:
            with tempfile.NamedTemporaryFile(suffix=".Dockerfile") as t:
                t.write(fmt1)
                t.flush()
                jrc, jout, jerr = run([DFDUMP_JS, "--equal", path, t.name])
            if jrc != 0:
                res["format-oracle"] = "dfdump.js --equal: " + (jout + jerr).decode("utf-8", "replace").strip()[:300]

    rcf, fix1, errf = dffix([], path)
    if crashed(rcf) or rcf == 2:
        res["fix-parses"] = "dffix with passes failed (rc %s): %s" % (rcf, errf.decode("utf-8", "replace").strip()[:300])
        return rel, res
    if oracle_ok:
        prc, pout, perr = run([DFDUMP] + ocheck + ["-"], fix1)
        res["fix-parses"] = None if prc == 0 else "output of the passes does not parse: " + perr.decode("utf-8", "replace").strip()[:300]
    res["fix-comments"] = None if multiset_included(ci, comment_lines(fix1)) else "a comment line of the input is missing"
    rcf2, fix2, _ = dffix([], path, fix1)
    res["fix-idempotent"] = None if rcf2 == 0 and fix2 == fix1 else "second run with passes changes the output (rc %s)" % rcf2
    return rel, res


def main():
    allow = {}
    if os.path.exists(ALLOW):
        with open(ALLOW, encoding="utf-8") as f:
            for line in f:
                if not line.strip() or line.startswith("#"):
                    continue
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 3 or parts[1] not in CHECKS or not parts[2].strip():
                    print("corpus-allow.tsv: bad line (want path<TAB>check<TAB>reason): " + line.rstrip())
                    return 2
                allow[(parts[0], parts[1])] = parts[2]
    files = []
    with open(os.path.join(CORPUS, "MANIFEST.tsv"), encoding="utf-8") as f:
        for line in f:
            rel = line.split("\t", 1)[0].strip()
            if rel and not rel.startswith("#") and os.path.isfile(os.path.join(CORPUS, rel)):
                files.append(rel)
    stats = {c: [0, 0, 0] for c in CHECKS}  # passed, failed, allowed
    failures = []
    used = set()
    with ThreadPoolExecutor(max_workers=JOBS) as ex:
        for rel, res in ex.map(check_file, files):
            for check, msg in res.items():
                if msg is None:
                    stats[check][0] += 1
                elif (rel, check) in allow:
                    stats[check][2] += 1
                    used.add((rel, check))
                else:
                    stats[check][1] += 1
                    failures.append("FAIL %s: %s: %s" % (rel, check, msg.replace("\n", " | ")))
    for line in sorted(failures):
        print(line)
    print("%d files" % len(files))
    for c in CHECKS:
        p, f, a = stats[c]
        print("  %-18s %5d passed, %3d failed, %3d allowed" % (c, p, f, a))
    for key in sorted(set(allow) - used):
        print("note: allowlist entry no longer needed: %s %s" % key)
    passed = sum(s[0] + s[2] for s in stats.values())
    failed = sum(s[1] for s in stats.values())
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(main())
PY
