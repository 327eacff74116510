#!/usr/bin/env python3
"""corpus_report.py DFFIX [CORPUS] - what dffix would do to the public corpus:
`make corpus-report`. CORPUS defaults to $DFFIX_CORPUS or ../shared/corpus.

Runs `dffix --lint --format=json --no-config --profile=default --fix=all FILE`
once per corpus file (one process per file, so a crash or an error is pinned to
its file) and prints:

  a. per pass (DF101-DF107): rewrites that would be applied and refusals, the
     refusals grouped by reason (the message with quoted specifics, paths and
     numbers replaced by placeholders);
  b. findings per lint rule;
  c. files that errored (exit 2) or crashed, with the reason.

The JSON shape read is the documented one: an array of {"file", "line",
"column", "end_line", "end_column", "rule", "name", "severity", "message",
"fixable"}. When the binary does not support --format=json yet, the text
format `path:line:col: severity: message [DF123 name]` is read instead.

The report does not carry the diagnostic kind. A pass finding is counted as a
refusal when it has a "kind" field saying so, else when its severity is
"info" (passes report refusals at info, applied rewrites at the pass's own
severity), else when its message starts with "not " or mentions "refus".
Figures only: the exit status is 0 unless the report itself could not run.
"""
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time

PASSES = [("DF101", "pin-tag"), ("DF102", "pkg-clean"), ("DF103", "cache-order"), ("DF104", "merge-run"),
          ("DF105", "arbitrary-uid"), ("DF106", "env-key-value"), ("DF107", "maintainer")]
PASS_BY_ID = dict(PASSES)
PASS_BY_NAME = {n: i for i, n in PASSES}
TEXT_RE = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info|style|note): "
                     r"(?P<msg>.*?)(?: \[(?:(?P<rule>[A-Z]+\d+) ?)?(?P<name>[^\]\s]*)\])?$")
TIMEOUT = 60


def normalize(msg):
    """A refusal or error message without its specifics, for grouping."""
    s = msg
    # a name the message repeats in a hint (`for X; pass --pin X=TAG`)
    m = re.search(r"--pin (\S+?)=", s)
    if m:
        s = re.sub(r"(?<![\w.-])" + re.escape(m.group(1)) + r"(?![\w.-])", "IMAGE", s)
    s = re.sub(r"\bUSER \S+", "USER NAME", s)
    s = re.sub(r"`[^`]*`", "`…`", s)
    s = re.sub(r'"(?:[^"\\]|\\.)*"', '"…"', s)
    s = re.sub(r"(?<![A-Za-z])'[^']*'", "'…'", s)
    s = re.sub(r"(?<![\w.-])/[^\s,;:)]*", "PATH", s)
    s = re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", "$VAR", s)
    # image references and other slash/colon words (registry/name:tag)
    s = re.sub(r"\b[\w.-]+(?:/[\w.-]+)+(?::[\w.-]+)?(?:@sha256:[0-9a-f]+)?", "IMAGE", s)
    s = re.sub(r"\b\d+(?:\.\d+)*\b", "N", s)
    return s.strip()


def parse_json(out):
    out = out.strip()
    if not out:
        return []
    try:
        data = json.loads(out)
        if isinstance(data, dict):
            data = data.get("results") or data.get("diagnostics") or [data]
        return [d for d in data if isinstance(d, dict)]
    except json.JSONDecodeError:
        items = []
        for line in out.splitlines():  # JSON lines, defensively
            line = line.strip().rstrip(",")
            if line.startswith("{"):
                items.append(json.loads(line))
        return items


def parse_text(out):
    items = []
    for line in out.splitlines():
        m = TEXT_RE.match(line)
        if m:
            items.append({"file": m["file"], "line": int(m["line"]), "column": int(m["col"]),
                          "severity": m["sev"], "message": m["msg"], "rule": m["rule"] or "",
                          "name": m["name"] or ""})
    return items


def detect_format(dffix, corpus, probe):
    p = subprocess.run([dffix, "--lint", "--format=json", "--no-config", probe], capture_output=True, text=True,
                       cwd=corpus, timeout=TIMEOUT)
    if p.returncode in (0, 1):
        try:
            parse_json(p.stdout)
            return "json"
        except (json.JSONDecodeError, ValueError):
            return "text"
    return "text"


def run_one(dffix, corpus, fmt, path):
    args = [dffix, "--lint", f"--format={fmt}", "--no-config", "--profile=default", "--fix=all", "-j1", path]
    try:
        p = subprocess.run(args, capture_output=True, text=True, cwd=corpus, timeout=TIMEOUT,
                           errors="replace")
    except subprocess.TimeoutExpired:
        return path, None, "", f"timed out after {TIMEOUT} s"
    return path, p.returncode, p.stdout, p.stderr


def classify(d):
    """'applied', 'refused' or 'finding' for one diagnostic."""
    rule, name = d.get("rule") or "", d.get("name") or ""
    if rule not in PASS_BY_ID and name not in PASS_BY_NAME:
        return "finding"
    kind = str(d.get("kind", "")).lower()
    if kind:
        return "refused" if kind.startswith("refus") else "applied" if kind.startswith("appl") else "finding"
    msg = (d.get("message") or "").lower()
    if d.get("severity") == "info" or msg.startswith("not ") or "refus" in msg:
        return "refused"
    return "applied"


def error_reason(path, stdout, stderr, items):
    for line in (stderr or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(path + ":"):
            line = line[len(path) + 1:]
        return line
    for d in items:
        if d.get("severity") == "error":
            return f"{d.get('line')}:{d.get('column')}: {d.get('message')}"
    return (stdout.strip().splitlines() or ["(no message)"])[0]


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: corpus_report.py DFFIX [CORPUS]\n")
        return 2
    dffix = os.path.abspath(argv[1])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    corpus = argv[2] if len(argv) > 2 else os.environ.get("DFFIX_CORPUS", os.path.join(here, "..", "shared",
                                                                                      "corpus"))
    manifest = os.path.join(corpus, "MANIFEST.tsv")
    if not os.path.exists(manifest):
        print(f"corpus-report: skipped: no corpus at {corpus} (set DFFIX_CORPUS)")
        return 0
    with open(manifest, encoding="utf-8") as f:
        files = [line.split("\t", 1)[0] for line in f if line.strip()]

    t0 = time.time()
    fmt = detect_format(dffix, corpus, files[0])
    jobs = int(os.environ.get("JOBS", os.cpu_count() or 1))
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for r in ex.map(lambda p: run_one(dffix, corpus, fmt, p), files):
            results.append(r)

    applied = collections.Counter()
    applied_files = collections.defaultdict(set)
    refused = collections.Counter()
    refused_files = collections.defaultdict(set)
    reasons = collections.defaultdict(collections.Counter)
    reason_example = {}
    findings = collections.Counter()
    finding_files = collections.defaultdict(set)
    finding_sev = collections.defaultdict(collections.Counter)
    errors = []
    clean = 0
    for path, rc, out, err in results:
        items = []
        if rc is not None:
            try:
                items = parse_json(out) if fmt == "json" else parse_text(out)
            except (json.JSONDecodeError, ValueError) as e:
                errors.append((path, rc, f"unreadable {fmt} output: {e}"))
                continue
        if rc is None or rc < 0 or rc > 2:
            why = f"killed by signal {-rc}" if rc is not None and rc < 0 else \
                f"exit {rc}" if rc is not None else "timeout"
            tail = (err or "").strip().splitlines()[-1:] or [""]
            errors.append((path, rc, f"CRASH ({why}) {tail[0]}".strip()))
            continue
        if rc == 2:
            errors.append((path, rc, error_reason(path, out, err, items)))
            continue
        if not items:
            clean += 1
        for d in items:
            kind = classify(d)
            rule = d.get("rule") or ""
            name = d.get("name") or ""
            if kind == "finding":
                key = (rule, name)
                findings[key] += 1
                finding_files[key].add(path)
                finding_sev[key][d.get("severity", "?")] += 1
                continue
            pid = rule if rule in PASS_BY_ID else PASS_BY_NAME.get(name, rule)
            if kind == "applied":
                applied[pid] += 1
                applied_files[pid].add(path)
            else:
                refused[pid] += 1
                refused_files[pid].add(path)
                norm = normalize(d.get("message") or "")
                reasons[pid][norm] += 1
                reason_example.setdefault((pid, norm), f"{path}:{d.get('line')}: {d.get('message')}")

    print(f"corpus-report: {len(files)} files from {corpus}; dffix --lint --format={fmt} (all passes, default "
          f"profile, no config); {time.time() - t0:.1f} s")
    print(f"  {len(files) - len(errors)} files reported ({clean} with nothing to say), {len(errors)} errored or "
          f"crashed")

    print("\n== a. passes: rewrites that would be applied / refused (count, files)")
    print(f"  {'pass':22s} {'applied':>8s} {'files':>6s} {'refused':>8s} {'files':>6s}")
    for pid, pname in PASSES:
        print(f"  {pid + ' ' + pname:22s} {applied[pid]:8d} {len(applied_files[pid]):6d} {refused[pid]:8d} "
              f"{len(refused_files[pid]):6d}")
    for pid, pname in PASSES:
        if not reasons[pid]:
            continue
        print(f"\n  {pid} {pname}: refusals by reason")
        for norm, n in reasons[pid].most_common(15):
            print(f"    {n:6d}  {norm}")
            print(f"            e.g. {reason_example[(pid, norm)][:160]}")
        if len(reasons[pid]) > 15:
            rest = sum(n for _, n in reasons[pid].most_common()[15:])
            print(f"    {rest:6d}  ({len(reasons[pid]) - 15} more reasons)")

    print("\n== b. lint findings per rule (count, files, severities)")
    if not findings:
        print("  (none)")
    for (rule, name), n in sorted(findings.items(), key=lambda kv: (-kv[1], kv[0])):
        sev = ", ".join(f"{s} {c}" for s, c in finding_sev[(rule, name)].most_common())
        print(f"  {rule or '-':6s} {name or '-':28s} {n:7d} {len(finding_files[(rule, name)]):6d}  {sev}")

    print(f"\n== c. files that errored (exit 2) or crashed: {len(errors)}")
    by_reason = collections.Counter(normalize(why) for _, _, why in errors)
    for why, n in by_reason.most_common(10):
        print(f"  {n:5d}  {why[:150]}")
    if errors:
        print()
    for path, rc, why in sorted(errors)[:200]:
        print(f"  {path}: {'exit ' + str(rc) if rc is not None else 'timeout'}: {why[:200]}")
    if len(errors) > 200:
        print(f"  ... {len(errors) - 200} more")
    crashes = sum(1 for _, _, why in errors if why.startswith("CRASH"))
    if crashes:
        print(f"\n  !!! {crashes} file(s) CRASHED dffix (signal or unexpected exit) !!!")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
