#!/usr/bin/env bash
# tests/bench/hostile.sh DFFIX - time and peak memory of dffix on the big hostile
# inputs of tests/hostile.sh at 1x, 2x, 4x and 8x their base size, to show
# that both grow linearly. Prints figures, judges nothing: a column of
# "x1.0 x2.0 x4.0 x8.0" ratios is linear, "x1 x4 x16 x64" is quadratic.
#
# Cases (base size):   runs      RUN lines, 10 MB
#                      longline  one line, 2 MB (refused: line too long)
#                      cont      one RUN of 100,000 continuation lines
#                      heredocs  10,000 RUN <<EOF instructions
#                      onbuild   ONBUILD chained 2,000 deep on short lines
#                      comments  100,000 comment lines
# and shapes that stress the passes and lint (8,000 repetitions each):
#                      stages    FROM alpine AS sN + COPY --from=s(N-1)
#                      copyrun   COPY file + RUN dnf install (cache-order)
#                      volumes   VOLUME /dataN, then USER 1001 (arbitrary-uid)
#                      workdirs  WORKDIR /appN + RUN mkdir -p /appN/x
#                      chown     COPY --chown=1001 + RUN mkdir, after USER
#                      maint     MAINTAINER lines in one stage
#                      untagged  FROM imageN + RUN yum install (pin-tag)
# Each is run in the default mode (fix + format, output to /dev/null) and
# with --lint (BENCH_MODES="format lint").
# BENCH_SCALES overrides "1 2 4 8"; BENCH_CASES picks cases.
# The 8x runs case is an 80 MB file: expect several GB of memory today.
set -u
[ $# -ge 1 ] || { echo "usage: $0 DFFIX" >&2; exit 2; }
dffix=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$dffix" ] || { echo "tests/bench/hostile: $1 is not executable" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "tests/bench/hostile: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
scales=${BENCH_SCALES:-1 2 4 8}
cases=${BENCH_CASES:-runs longline cont heredocs onbuild comments stages copyrun volumes workdirs chown maint untagged}
modes=${BENCH_MODES:-format lint}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dffix-bench-hostile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# gen CASE SCALE FILE
gen() {
	python3 - "$1" "$2" "$3" <<'EOF'
import sys
case, k, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    w = f.write
    if case == "runs":
        w("FROM debian:12\n")
        line = "RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && echo %d\n"
        n = size = 0
        while size < k * 10 * 1024 * 1024:
            s = line % n; w(s); size += len(s); n += 1
    elif case == "longline":
        w("FROM alpine\nRUN echo " + "x" * (k * 2 * 1024 * 1024) + "\n")
    elif case == "cont":
        w("FROM alpine\nRUN echo start \\\n")
        for i in range(k * 100000):
            w("    && echo %d \\\n" % i)
        w("    && echo end\n")
    elif case == "heredocs":
        w("FROM alpine\n")
        for i in range(k * 10000):
            w("RUN <<EOF\necho %d\nEOF\n" % i)
    elif case == "onbuild":
        w("FROM alpine\n" + "ONBUILD \\\n" * (k * 2000) + "RUN x\n")
    elif case == "comments":
        for i in range(k * 100000):
            w("#  comment %d  \n" % i)
    else:
        n = k * 8000
        if case == "stages":
            w("FROM alpine:3.19 AS s0\n")
            for i in range(1, n):
                w("FROM alpine:3.19 AS s%d\nCOPY --from=s%d /a /b\n" % (i, i - 1))
        elif case == "copyrun":
            w("FROM fedora:39\n")
            for i in range(n):
                w("COPY src/file%d.py /app/\nRUN dnf install -y pkg%d\n" % (i, i))
        elif case == "volumes":
            w("FROM fedora:39\n")
            for i in range(n):
                w("VOLUME /data%d\n" % i)
            w("USER 1001\n")
        elif case == "workdirs":
            w("FROM fedora:39\n")
            for i in range(n):
                w("WORKDIR /app%d\nRUN mkdir -p /app%d/x\n" % (i, i))
            w("USER 1001\n")
        elif case == "chown":
            w("FROM fedora:39\nUSER 1001\n")
            for i in range(n):
                w("COPY --chown=1001 f%d /opt/app%d/\nRUN mkdir /srv/d%d\n" % (i, i, i))
        elif case == "maint":
            w("FROM fedora:39\n")
            for i in range(n):
                w("MAINTAINER me%d <a@b>\n" % i)
        elif case == "untagged":
            for i in range(n):
                w("FROM image%d\nRUN yum install -y x\n" % i)
        else:
            sys.exit("unknown case " + case)
EOF
}

printf '%-15s %5s %12s %9s %9s %9s %8s %8s\n' case/mode scale bytes seconds peak_MB MB/s time_x mem_x
for c in $cases; do
	declare -A t1=() m1=()
	for k in $scales; do
		f=$tmp/$c.$k
		gen "$c" "$k" "$f"
		bytes=$(stat -c %s "$f")
		for m in $modes; do
			args=()
			[ "$m" = lint ] && args=(--lint)
			/usr/bin/time -f '%e %M' -o "$tmp/t" "$dffix" --no-config "${args[@]}" "$f" >/dev/null 2>&1
			read -r secs kb < <(tail -n 1 "$tmp/t")
			[ -n "${t1[$m]:-}" ] || { t1[$m]=$secs; m1[$m]=$kb; }
			awk -v c="$c/$m" -v k="$k" -v b="$bytes" -v s="$secs" -v kb="$kb" -v t1="${t1[$m]}" \
				-v m1="${m1[$m]}" 'BEGIN {
				mbs = s > 0 ? sprintf("%.1f", b / 1048576 / s) : "-"
				tx = t1 > 0 ? sprintf("x%.1f", s / t1) : "-"
				printf "%-15s %5s %12d %9.2f %9.1f %9s %8s %8s\n", c, k "x", b, s, kb / 1024, mbs, tx,
					sprintf("x%.1f", kb / m1)
			}'
		done
		rm -f "$f"
	done
done
