#!/usr/bin/env python3
"""Golden tests for dffix (STYLE.md rule 16, after gofmt's testdata/*.golden).

Every testdata/**/<name>.Dockerfile (testdata/build/ excepted) is one case.
Flags come from a first-line `# dffix-test: <flags>` comment (default none);
cases whose first lines must be parser directives cannot carry one and run
with no flags.

Checks, each counted on its own:
  reprint    `dffix --reprint FILE` prints the input byte for byte. A case
             with a .err may have its reprint refused (binary input), but
             then stdout must be empty.
  format     with <name>.golden: `dffix FLAGS < input` prints the golden.
  idempotent with <name>.golden: `dffix FLAGS < golden` prints the golden.
  diag       with <name>.diag: `dffix --lint --color=never FLAGS FILE`
             prints the .diag on stdout.
  err        with <name>.err: `dffix FLAGS FILE` exits 2, prints nothing on
             stdout, and stderr equals the .err.

Commands run from the current directory (the project root under `make`), and
files are named by their path relative to it, as the .diag and .err files
expect. On a mismatch the actual output goes to <name>.out (gitignored).
`--update` rewrites the existing .golden/.diag/.err files from dffix's
output, and gives a case that has none a .golden (or a .err when dffix exits
2).

Usage: golden.py [--dffix PATH] [--update] [-v] [DIR_OR_FILE ...]
Prints one line per failed check, then "N passed, N failed"; exits 1 on any
failure.
"""

import argparse
import os
import shlex
import subprocess
import sys

TIMEOUT = 20  # seconds per dffix run; a hang is a failure
FLAGS_PREFIX = b"# dffix-test:"


def case_flags(data):
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    if not first.startswith(FLAGS_PREFIX):
        return []
    return shlex.split(first[len(FLAGS_PREFIX):].decode("utf-8", "replace"))


def find_cases(roots):
    cases = []
    for root in roots:
        if os.path.isfile(root):
            cases.append(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            # testdata/build/ holds real-build cases run by another target.
            parts = os.path.abspath(dirpath).split(os.sep)
            if "testdata" in parts and parts[parts.index("testdata") + 1:][:1] == ["build"]:
                dirnames[:] = []
                continue
            dirnames.sort()
            for f in sorted(filenames):
                if f.endswith(".Dockerfile"):
                    cases.append(os.path.join(dirpath, f))
    return sorted(set(cases))


def run(argv, stdin=None):
    """Runs argv and returns (rc, stdout, stderr); rc is None on a timeout."""
    try:
        p = subprocess.run(argv, input=stdin if stdin is not None else b"",
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b""


def describe_rc(rc):
    if rc is None:
        return "timed out"
    if rc < 0:
        return "killed by signal %d" % -rc
    return "exit %d" % rc


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


class Runner:
    def __init__(self, dffix, update, verbose):
        self.dffix = dffix
        self.update = update
        self.verbose = verbose
        self.passed = 0
        self.failed = 0
        self.out_written = False

    def ok(self, case, check):
        self.passed += 1
        if self.verbose:
            print("ok   %s: %s" % (case, check))

    def fail(self, case, check, why, out_path=None, actual=None):
        self.failed += 1
        # The .out holds the output of the case's first failed check.
        if out_path is not None and actual is not None and not self.out_written:
            write(out_path, actual)
            self.out_written = True
        if out_path is not None and self.out_written:
            why += " (see %s)" % out_path
        print("FAIL %s: %s: %s" % (case, check, why))

    def run_case(self, path):
        case = os.path.relpath(path)
        base = case[: -len(".Dockerfile")]
        golden_p, diag_p, err_p, out_p = base + ".golden", base + ".diag", base + ".err", base + ".out"
        data = read(path)
        try:
            flags = case_flags(data)
        except ValueError as e:
            self.fail(case, "flags", "bad # dffix-test: line: %s" % e)
            return
        failed_before = self.failed
        self.out_written = False
        has_golden, has_diag, has_err = (os.path.exists(p) for p in (golden_p, diag_p, err_p))

        if self.update:
            self.do_update(case, flags, data, golden_p, diag_p, err_p, has_golden, has_diag, has_err)
            has_golden, has_diag, has_err = (os.path.exists(p) for p in (golden_p, diag_p, err_p))

        # reprint: the lossless invariant.
        rc, out, err = run([self.dffix, "--reprint", case])
        if rc == 0 and out == data:
            self.ok(case, "reprint")
        elif rc == 2 and has_err and out == b"":
            self.ok(case, "reprint")  # refused as binary, and said so
        else:
            self.fail(case, "reprint", "%s, output %s the input" %
                      (describe_rc(rc), "equals" if out == data else "differs from"), out_p, out)

        if has_golden:
            golden = read(golden_p)
            rc, out, err = run([self.dffix] + flags, data)
            if rc is not None and rc in (0, 1) and out == golden:
                self.ok(case, "format")
            else:
                why = describe_rc(rc) + (", stderr: " + err.decode("utf-8", "replace").strip() if err else "")
                self.fail(case, "format", "output differs from %s; %s" % (golden_p, why), out_p, out)
            rc, out2, err = run([self.dffix] + flags, golden)
            if rc is not None and rc in (0, 1) and out2 == golden:
                self.ok(case, "idempotent")
            else:
                self.fail(case, "idempotent", "formatting the golden changes it; %s" % describe_rc(rc),
                          out_p, out2)

        if has_diag:
            want = read(diag_p)
            rc, out, err = run([self.dffix, "--lint", "--color=never"] + flags + [case])
            if rc is not None and rc >= 0 and out == want:
                self.ok(case, "diag")
            else:
                self.fail(case, "diag", "lint output differs from %s; %s" % (diag_p, describe_rc(rc)), out_p, out)

        if has_err:
            want = read(err_p)
            rc, out, err = run([self.dffix] + flags + [case])
            problems = []
            if rc != 2:
                problems.append(describe_rc(rc) + " (want exit 2)")
            if out:
                problems.append("%d bytes on stdout" % len(out))
            if err != want:
                problems.append("stderr differs from " + err_p)
            if not problems:
                self.ok(case, "err")
            else:
                self.fail(case, "err", "; ".join(problems), out_p, err)

        if self.failed == failed_before and os.path.exists(out_p):
            os.remove(out_p)

    def do_update(self, case, flags, data, golden_p, diag_p, err_p, has_golden, has_diag, has_err):
        if has_diag:
            _, out, _ = run([self.dffix, "--lint", "--color=never"] + flags + [case])
            write(diag_p, out)
        if has_err or not has_golden and not has_diag:
            rc, out, err = run([self.dffix] + flags + [case])
            if rc == 2:
                write(err_p, err)
                return
            if has_err:
                print("update: %s no longer fails (%s); .err kept" % (case, describe_rc(rc)))
                return
        if has_golden or not has_diag:
            rc, out, _ = run([self.dffix] + flags, data)
            if rc in (0, 1):
                write(golden_p, out)
            else:
                print("update: %s: %s, golden not written" % (case, describe_rc(rc)))


def main():
    ap = argparse.ArgumentParser(description="dffix golden tests")
    ap.add_argument("--dffix", default="./dffix")
    ap.add_argument("--update", action="store_true", help="rewrite .golden/.diag/.err from dffix's output")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("paths", nargs="*", default=["testdata"])
    args = ap.parse_args()
    dffix = args.dffix
    if os.sep in dffix and not os.path.isabs(dffix):
        dffix = os.path.abspath(dffix)
    if not os.access(dffix, os.X_OK):
        print("golden.py: %s is not executable" % dffix, file=sys.stderr)
        return 2
    r = Runner(dffix, args.update, args.verbose)
    cases = find_cases(args.paths)
    if not cases:
        print("golden.py: no cases under %s" % " ".join(args.paths), file=sys.stderr)
        return 2
    for c in cases:
        r.run_case(c)
    print("%d passed, %d failed" % (r.passed, r.failed))
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
