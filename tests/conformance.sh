#!/usr/bin/env bash
# conformance.sh DFFIX - does dffix read every corpus file the way the
# reference parsers of ../shared/oracle do?
#
#   dump          dffix --dump works on every file BuildKit's parser accepts
#   directives    same escape character and parser directives as dfdump
#   instructions  same instruction sequence as dfdump: keyword (lower-cased)
#                 vs cmd, line, end_line, flags, json, args, ONBUILD trigger
#   rejects       a file BuildKit's parser rejects with a parse error is
#                 rejected by dffix too
#   heredocs      files with heredocs (BuildKit 0.8.4 predates them) against
#                 dfdump.js: instruction sequence, heredoc names and bodies
#
# Files with an instruction missing from BuildKit's command table (templates)
# are compared with `dfdump --no-check`, leaving out the arguments of the
# unknown instructions, which that parser does not keep.
#
# Differences are failures unless tests/conformance-allow.tsv lists them
# (path<TAB>check<TAB>reason). Environment: DFFIX_CORPUS, DFFIX_ORACLE_PREFIX,
# JOBS (default 2). Ends with "N passed, N failed"; exits 1 on any failure.
set -euo pipefail

if [ $# -lt 1 ]; then
	echo "usage: $0 DFFIX" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
export DFFIX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export CORPUS=${DFFIX_CORPUS:-$here/../../shared/corpus}
export ORACLE=${DFFIX_ORACLE_PREFIX:-$HOME/.cache/dffix-oracle}/bin
export ALLOW=$here/conformance-allow.tsv
export JOBS=${JOBS:-2}

for tool in "$DFFIX" "$ORACLE/dfdump" "$ORACLE/dfdump.js"; do
	if [ ! -x "$tool" ]; then
		echo "conformance.sh: $tool not found (the oracle comes from ../shared/oracle/setup.sh)" >&2
		exit 2
	fi
done
if [ ! -f "$CORPUS/MANIFEST.tsv" ]; then
	echo "conformance.sh: $CORPUS/MANIFEST.tsv not found" >&2
	exit 2
fi

exec python3 - <<'PY'
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

DFFIX = os.environ["DFFIX"]
CORPUS = os.environ["CORPUS"]
ORACLE = os.environ["ORACLE"]
ALLOW = os.environ["ALLOW"]
JOBS = int(os.environ["JOBS"])
DFDUMP = os.path.join(ORACLE, "dfdump")
DFDUMP_JS = os.path.join(ORACLE, "dfdump.js")
CHECKS = ["dump", "directives", "instructions", "rejects", "heredocs"]
KNOWN = {"add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label",
         "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir"}


def run(argv):
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, b"", b"timed out"


def text(b, n=300):
    return b.decode("utf-8", "replace").strip().replace("\n", " | ")[:n]


def instr_diff(mine, theirs, top, partial):
    """First difference between a dffix instruction and a dfdump one, or None."""
    kw = mine.get("keyword", "").lower()
    if kw != theirs["cmd"]:
        return "keyword %r vs cmd %r" % (mine.get("keyword"), theirs["cmd"])
    fields = ["flags", "json"]
    if top:
        fields = ["line", "end_line"] + fields
    # An unknown instruction's arguments are not kept by the parser (--no-check).
    if not (partial and kw not in KNOWN):
        fields.append("args")
    for f in fields:
        if mine.get(f) != theirs.get(f):
            return "%s: dffix %s, dfdump %s" % (f, json.dumps(mine.get(f)), json.dumps(theirs.get(f)))
    ms, ts = mine.get("onbuild"), theirs.get("sub")
    if bool(ms) != bool(ts):
        return "ONBUILD trigger: dffix %s, dfdump %s" % (json.dumps(ms), json.dumps(ts))
    if ms:
        d = instr_diff(ms, ts, False, partial)
        if d:
            return "ONBUILD trigger " + d
    return None


def js_heredocs_diff(mine, theirs):
    mi, ti = mine["instructions"], theirs["instructions"]
    if len(mi) != len(ti):
        return "%d instructions in dffix, %d in dfdump.js" % (len(mi), len(ti))
    for k, (a, b) in enumerate(zip(mi, ti)):
        if a["keyword"].lower() != b["cmd"]:
            return "instruction #%d: keyword %r vs cmd %r" % (k + 1, a["keyword"], b["cmd"])
        ha = a.get("heredocs") or (a.get("onbuild") or {}).get("heredocs") or []
        hb = b.get("heredocs") or (b.get("sub") or {}).get("heredocs") or []
        # dockerfile-ast gives a body without its last line ending, and null
        # for an empty one.
        na = [(h["name"], h["content"][:-2] if h["content"].endswith("\r\n") else
               h["content"][:-1] if h["content"].endswith("\n") else h["content"]) for h in ha]
        nb = [(h["name"], h["content"] or "") for h in hb]
        if na != nb:
            return "instruction #%d (line %d): heredocs dffix %s, dfdump.js %s" % (
                k + 1, a["line"], json.dumps(na)[:200], json.dumps(nb)[:200])
    return None


def check_file(rel):
    path = os.path.join(CORPUS, rel)
    res = {}
    orc, odump, oerr = run([DFDUMP, path])
    partial = False
    if orc == 1 and b"unknown instruction" in oerr:
        orc, odump, oerr = run([DFDUMP, "--no-check", path])
        partial = True
    mrc, mdump, merr = run([DFFIX, "--no-config", "--dump", path])
    if mrc is None or mrc < 0 or mrc > 2:
        res["dump"] = "dffix --dump crashed or hung (rc %s)" % mrc
        return rel, res
    mine = json.loads(mdump) if mrc == 0 else None
    heredocs = mine is not None and any(i.get("heredocs") or (i.get("onbuild") or {}).get("heredocs")
                                        for i in mine["instructions"])

    if heredocs:
        jrc, jdump, jerr = run([DFDUMP_JS, path])
        if jrc != 0:
            res["heredocs"] = "dfdump.js failed: " + text(jerr)
        else:
            res["heredocs"] = js_heredocs_diff(mine, json.loads(jdump))
        return rel, res

    if orc == 1:
        if b"parse error" in oerr:
            res["rejects"] = None if mrc == 2 else "BuildKit rejects (%s) but dffix accepts" % text(oerr, 200)
        return rel, res
    if orc != 0:
        return rel, res
    if mine is None:
        res["dump"] = "dffix rejects a file BuildKit accepts: " + text(merr)
        return rel, res
    res["dump"] = None
    theirs = json.loads(odump)
    if mine["escape"] != theirs["escape"] or mine["directives"] != theirs["directives"]:
        res["directives"] = "dffix escape %r directives %s; dfdump escape %r directives %s" % (
            mine["escape"], json.dumps(mine["directives"]), theirs["escape"], json.dumps(theirs["directives"]))
    else:
        res["directives"] = None
    mi, ti = mine["instructions"], theirs["instructions"]
    res["instructions"] = None
    for k in range(max(len(mi), len(ti))):
        if k >= len(mi) or k >= len(ti):
            res["instructions"] = "%d instructions in dffix, %d in dfdump" % (len(mi), len(ti))
            break
        d = instr_diff(mi[k], ti[k], True, partial)
        if d:
            res["instructions"] = "instruction #%d (dfdump line %s): %s" % (k + 1, ti[k].get("line"), d)
            break
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
                    print("conformance-allow.tsv: bad line (want path<TAB>check<TAB>reason): " + line.rstrip())
                    return 2
                allow[(parts[0], parts[1])] = parts[2]
    files = []
    with open(os.path.join(CORPUS, "MANIFEST.tsv"), encoding="utf-8") as f:
        for line in f:
            rel = line.split("\t", 1)[0].strip()
            if rel and not rel.startswith("#") and os.path.isfile(os.path.join(CORPUS, rel)):
                files.append(rel)
    stats = {c: [0, 0, 0] for c in CHECKS}
    failures, used = [], set()
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
                    failures.append("FAIL %s: %s: %s" % (rel, check, msg))
    for line in sorted(failures):
        print(line)
    print("%d files" % len(files))
    for c in CHECKS:
        p, f, a = stats[c]
        print("  %-13s %5d passed, %3d failed, %3d allowed" % (c, p, f, a))
    for key in sorted(set(allow) - used):
        print("note: allowlist entry no longer needed: %s %s" % key)
    passed = sum(s[0] + s[2] for s in stats.values())
    failed = sum(s[1] for s in stats.values())
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(main())
PY
