#!/usr/bin/env python3
"""compare.py - dffix against its peers, as whole processes, in one run.

usage: compare.py --dffix PATH --spawn PATH --corpus DIR [--peers DIR] [--work DIR]

Called by tests/bench/run.sh. Prints figures, never pass/fail. Peers (installed by
run.sh from tests/bench/package-lock.json into tests/bench/peers/):

  dockerfmt      @reteps/dockerfmt's native Go binary (@reteps/dockerfmt-linux-x64)
  dockerfmt-wasm the same formatter built to WASM, driven by node (tests/bench/peers.mjs)
  dockerfile-utils  its `format` command

A peer that fails on a file (non-zero exit, panic, no output) has that file
excluded from its own figures only; the counts are printed. Sections:

  a. bulk: one process over every file the tool can format (MB/s, files/s)
  b. per-file latency of one whole process (median, p90): format-on-save cost
  c. peak memory: max RSS of one process per file (wait4 rusage, the number
     GNU time -v reports as "Maximum resident set size")
  d. lint throughput: `dffix --lint` over a 1,000-file tree, -j1 and -j2

Environment knobs: BENCH_LATENCY_FILES (200), BENCH_NODE_LATENCY_FILES (30:
node peers cost ~0.3-1 s per process), BENCH_BULK_RUNS (3), BENCH_LINT_FILES (1000).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

NODE = shutil.which("node")


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def spawn(tool, cmd, files, cwd, *, bulk=False, runs=1, budget=None, timeout_ms=30000):
    """Runs spawn_time; returns a list of (status, wall_s, maxrss_kb, cpu_s, path)."""
    args = [tool, "-t", str(timeout_ms)]
    if bulk:
        args += ["--all", "-n", str(runs)]
        if budget is not None:
            args += ["-b", str(budget)]
    args += cmd
    p = subprocess.run(args, input="\n".join(files) + "\n", capture_output=True, text=True, cwd=cwd)
    rows = []
    for line in p.stdout.splitlines():
        st, wall, rss, cpu, path = line.split("\t", 4)
        rows.append((int(st), int(wall) / 1e6, int(rss), int(cpu) / 1e6, path))
    if p.returncode != 0 or (not rows and files):
        sys.stderr.write(p.stderr)
    return rows


def pct(values, q):
    """The q-quantile (0..1) by nearest rank."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = max(0, min(len(v) - 1, int(round(q * len(v) + 0.5)) - 1))
    return v[k]


def spread(files, n):
    """Up to n files evenly spaced over the list (deterministic sample)."""
    if len(files) <= n:
        return list(files)
    step = len(files) / n
    return [files[int(i * step)] for i in range(n)]


def ratio(a, b):
    return a / b if b else float("inf")


def fmt_ratio(r):
    return "inf" if r == float("inf") else f"{r:.2f}x"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dffix", required=True)
    ap.add_argument("--spawn", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--peers", default=None, help="tests/bench/peers/node_modules (peers skipped when missing)")
    ap.add_argument("--work", default=None)
    a = ap.parse_args()

    corpus = os.path.abspath(a.corpus)
    dffix = os.path.abspath(a.dffix)
    spawn_tool = os.path.abspath(a.spawn)
    here = os.path.dirname(os.path.abspath(__file__))
    peers_mjs = os.path.join(here, "peers.mjs")
    work = a.work or tempfile.mkdtemp(prefix="dffix-bench-")
    os.makedirs(work, exist_ok=True)

    with open(os.path.join(corpus, "MANIFEST.tsv"), encoding="utf-8") as f:
        files = [line.split("\t", 1)[0] for line in f if line.strip()]
    size = {p: os.path.getsize(os.path.join(corpus, p)) for p in files}

    ncpu = os.cpu_count() or 1
    load = os.getloadavg()[0]
    print(f"machine: {ncpu} cores, load average {load:.2f} at start")
    if load > 0.5 * ncpu:
        print("  NOTE: the machine is busy; wall-clock figures below are noisy (ratios from the same run "
              "are more trustworthy than absolute numbers)")

    # Every tool: name -> per-file command (with {}), bulk command, or None.
    tools = {"dffix": {"one": [dffix, "--fix=none", "{}"]}}
    mods = a.peers
    if mods and os.path.isdir(mods):
        native = os.path.join(mods, "@reteps", "dockerfmt-linux-x64", "bin", "dockerfmt")
        utils_bin = os.path.join(mods, "dockerfile-utils", "bin", "dockerfile-utils")
        if os.access(native, os.X_OK):
            tools["dockerfmt"] = {"one": [native, "-n", "{}"], "bulk": [native, "-n", "{}"]}
        if NODE and os.path.isdir(os.path.join(mods, "@reteps", "dockerfmt", "dist")):
            tools["dockerfmt-wasm"] = {"one": [NODE, peers_mjs, "one", "wasm", "{}"],
                                       "bulk": [NODE, peers_mjs, "bulk", "wasm", "{}"],
                                       "check": "wasm"}
        if NODE and os.path.exists(utils_bin):
            tools["dockerfile-utils"] = {"one": [NODE, utils_bin, "format", "-s", "4", "{}"],
                                         "bulk": [NODE, peers_mjs, "bulk", "utils", "{}"],
                                         "check": "utils"}
    else:
        print("peers: skipped: not installed (see the npm step above); dffix figures only")
    penv = dict(os.environ, DFFIX_PEERS_MODULES=mods or "")

    # Which files each tool can format. Native tools: one process per file
    # over the whole corpus (these runs also give the peak-memory figures).
    print("\n== which corpus files each tool formats (a failure excludes the file for that tool only)")
    ok = {}
    per_file_all = {}
    for name, t in tools.items():
        if "check" in t:
            p = subprocess.run([NODE, peers_mjs, "check", t["check"], *files], capture_output=True, text=True,
                               cwd=corpus, env=penv)
            good = {line.split("\t")[1] for line in p.stdout.splitlines() if line.startswith("ok\t")}
            if p.returncode != 0:
                print(f"  {name}: check run failed (exit {p.returncode}): {p.stderr.strip()[-300:]}")
        else:
            rows = spawn(spawn_tool, t["one"], files, corpus)
            per_file_all[name] = rows
            good = {r[4] for r in rows if r[0] == 0}
        ok[name] = [p for p in files if p in good]
        bad = len(files) - len(ok[name])
        print(f"  {name:17s} {len(ok[name]):5d} of {len(files)} files ({bad} excluded)")

    # a. bulk throughput.
    print("\n== a. bulk: one process over all files the tool formats (best of runs; output to /dev/null)")
    runs = env_int("BENCH_BULK_RUNS", 3)
    bulk = {}
    bulk_cmds = [("dffix -j1", "dffix", [dffix, "--fix=none", "-j1", "{}"]),
                 ("dffix -j2", "dffix", [dffix, "--fix=none", "-j2", "{}"])]
    for name in ("dockerfmt", "dockerfmt-wasm", "dockerfile-utils"):
        if name in tools:
            bulk_cmds.append((name, name, tools[name]["bulk"]))
    for label, name, cmd in bulk_cmds:
        fl = ok[name]
        rows = spawn(spawn_tool, cmd, fl, corpus, bulk=True, runs=runs, budget=10, timeout_ms=300000)
        if not rows:
            print(f"  {label}: no result")
            continue
        best = min(rows, key=lambda r: r[1])
        statuses = sorted({r[0] for r in rows})
        mb = sum(size[p] for p in fl) / 1e6
        bulk[label] = (mb / best[1], len(fl) / best[1], best)
        note = {"dockerfmt": "its own multi-file mode",
                "dockerfmt-wasm": "no multi-file mode: tests/bench/peers.mjs, one WASM instance reused (best case)",
                "dockerfile-utils": "CLI takes one file: tests/bench/peers.mjs calls its format() in one process"
                }.get(name, "")
        print(f"  {label:17s} {mb / best[1]:8.2f} MB/s {len(fl) / best[1]:9.0f} files/s  "
              f"wall {best[1]:.3f} s cpu {best[3]:.3f} s maxrss {best[2] / 1024:.1f} MiB  "
              f"[{len(rows)} run(s), exit {','.join(map(str, statuses))}]" + (f"  ({note})" if note else ""))
    if "dockerfmt-wasm" in tools:
        sample = spread(ok["dockerfmt-wasm"], 10)
        p = subprocess.run([NODE, peers_mjs, "api", "wasm", *sample], capture_output=True, text=True,
                           cwd=corpus, env=penv)
        print(f"  (dockerfmt-wasm through its public API, which starts a new WASM instance per call: "
              f"{p.stdout.strip() or 'failed'})")
    d1 = bulk.get("dffix -j1")
    d2 = bulk.get("dffix -j2")
    print("  targets (ratios measured in this run):")
    if d1 and "dockerfmt" in bulk:
        print(f"    dffix -j1 vs native dockerfmt: {fmt_ratio(ratio(d1[0], bulk['dockerfmt'][0]))} MB/s "
              f"(target >= 5x)")
    if d1 and "dockerfmt-wasm" in bulk:
        print(f"    dffix -j1 vs dockerfmt WASM:   {fmt_ratio(ratio(d1[0], bulk['dockerfmt-wasm'][0]))} MB/s "
              f"(target >= 50x)")
    if d1 and "dockerfile-utils" in bulk:
        print(f"    dffix -j1 vs dockerfile-utils: {fmt_ratio(ratio(d1[0], bulk['dockerfile-utils'][0]))} MB/s "
              f"(no target)")
    if d1 and d2:
        print(f"    dffix -j2 vs -j1:              {fmt_ratio(ratio(d2[0], d1[0]))} (target >= 1.7x on "
              f"{ncpu} cores)")

    # b. per-file latency on a common sample.
    okset = {n: set(v) for n, v in ok.items()}
    common = [p for p in files if all(p in okset[n] for n in tools)]
    nlat = env_int("BENCH_LATENCY_FILES", 200)
    nnode = env_int("BENCH_NODE_LATENCY_FILES", 30)
    sample = spread(common, nlat)
    node_sample = spread(sample, nnode)
    print(f"\n== b. per-file latency of one whole process (format-on-save), files every tool formats "
          f"({len(common)}); sample {len(sample)} files, node peers {len(node_sample)} of them")
    lat = {}
    rss_sample = {}
    lat_cmds = [("dffix --fix=none", "dffix", tools["dffix"]["one"], sample),
                ("dffix (all passes)", "dffix", [dffix, "{}"], sample)]
    for name in ("dockerfmt", "dockerfmt-wasm", "dockerfile-utils"):
        if name in tools:
            lat_cmds.append((name, name, tools[name]["one"], node_sample if name != "dockerfmt" else sample))
    for label, name, cmd, fl in lat_cmds:
        if not fl:
            continue
        spawn(spawn_tool, cmd, fl[:1], corpus)  # warm the page cache and the binary
        rows = spawn(spawn_tool, cmd, fl, corpus)
        good = [r for r in rows if r[0] == 0]
        w = [r[1] * 1e3 for r in good]
        lat[label] = (statistics.median(w) if w else float("nan"), pct(w, 0.9))
        if rows:
            top = max(rows, key=lambda r: r[2])
            if top[2] > rss_sample.get(name, (0, ""))[0]:
                rss_sample[name] = (top[2], top[4])
        print(f"  {label:19s} median {lat[label][0]:8.2f} ms  p90 {lat[label][1]:8.2f} ms  "
              f"(n={len(good)}, failed {len(rows) - len(good)})")
    if "dffix --fix=none" in lat:
        m = lat["dffix --fix=none"][0]
        print("  targets:")
        if "dockerfmt" in lat:
            print(f"    native dockerfmt median / dffix median: {fmt_ratio(ratio(lat['dockerfmt'][0], m))} "
                  f"(target >= 2x)")
        print(f"    dffix median {m:.2f} ms (target < 1 ms)")

    # c. peak memory.
    print("\n== c. peak memory (max RSS of one process, from wait4 = GNU time -v's figure)")
    for name in tools:
        if name in per_file_all:
            rows = [r for r in per_file_all[name] if r[0] == 0]
            scope = f"over all {len(rows)} files it formats"
        else:
            rss, path = rss_sample.get(name, (0, "-"))
            rows = [(0, 0, rss, 0, path)]
            scope = f"over the {len(node_sample)}-file latency sample"
        if not rows:
            continue
        top = max(rows, key=lambda r: r[2])
        print(f"  {name:17s} max {top[2] / 1024:7.2f} MiB  {scope}; largest at {top[4]}")
    if "dffix" in per_file_all:
        rows = [r for r in per_file_all["dffix"] if r[0] == 0]
        if rows:
            top = max(rows, key=lambda r: r[2])
            print(f"  target: dffix < 8 MiB for any corpus file: max {top[2] / 1024:.2f} MiB "
                  f"({top[2] / 8192:.2f} of the limit)")
            gtime = "/usr/bin/time"
            if os.access(gtime, os.X_OK):
                p = subprocess.run([gtime, "-v", dffix, "--fix=none", top[4]], capture_output=True, text=True,
                                   cwd=corpus)
                for line in p.stderr.splitlines():
                    if "Maximum resident set size" in line:
                        print(f"  cross-check, /usr/bin/time -v on that file: {line.strip()}")
            else:
                print("  (no /usr/bin/time for a cross-check: apt-get install time)")

    # d. lint throughput on a 1,000-file tree.
    nlint = env_int("BENCH_LINT_FILES", 1000)
    src = ok["dffix"] or files
    tree = os.path.join(work, "lint-tree")
    shutil.rmtree(tree, ignore_errors=True)
    # Evenly spread over the corpus (its order groups small parser cases first).
    pick = spread(src, nlint) if nlint <= len(src) else [src[i % len(src)] for i in range(nlint)]
    for i, p in enumerate(pick):
        d = os.path.join(tree, f"d{i // 100:02d}")
        os.makedirs(d, exist_ok=True)
        shutil.copyfile(os.path.join(corpus, p), os.path.join(d, f"f{i:04d}.Dockerfile"))
    mb = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(tree) for f in fs) / 1e6
    print(f"\n== d. lint: dffix --lint over a {nlint}-file tree ({mb:.2f} MB, copies of corpus files dffix "
          f"parses)")
    lint = {}
    for j in (1, 2):
        rows = spawn(spawn_tool, [dffix, "--lint", f"-j{j}", "{}"], [tree], work, bulk=True, runs=runs,
                     budget=8, timeout_ms=300000)
        if not rows:
            continue
        best = min(rows, key=lambda r: r[1])
        lint[j] = best
        print(f"  -j{j}: wall {best[1]:.3f} s, cpu (user+sys) {best[3]:.3f} s = {best[3] / nlint * 1e3:.3f} ms "
              f"per file; seconds per core = wall x jobs = {best[1] * j:.3f} s  [exit {best[0]}; "
              f"{len(rows)} run(s)]")
    if lint:
        print(f"  target: < 1 s per core for {nlint} files: -j1 {lint[1][1]:.3f} s"
              + (f", -j2 {lint[2][1] * 2:.3f} core-seconds (speed-up {ratio(lint[1][1], lint[2][1]):.2f}x)"
                 if 2 in lint else ""))
    shutil.rmtree(tree, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
