#!/usr/bin/env bash
# Measures the wired build (as root): the example's rebuild with nothing changed, the per-RUN overhead of
# `RUN true` over the command itself, and kiln's peak memory for a 200 MB context. Prints one line per figure.
# Needs: a published kiln (scripts/publish), the base images (scripts/base-images), GNU time.
# Usage: bench/build-wiring/run.sh [KILN]
set -euo pipefail
cd "$(dirname "$0")/../.."
kiln=$(realpath "${1:-artifacts/kiln}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# GNU time's figure for one run of kiln, output discarded (-o: the build's own stderr stays out of it).
measure() { local format=$1; shift; /usr/bin/time -f "$format" -o "$work/time" "$kiln" "$@" >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }; cat "$work/time"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# 1. Rebuild of the example with nothing changed (warm: one build first), best and median of 10.
"$kiln" build -t go-operator:demo examples/go-operator >/dev/null 2>&1
for i in $(seq 10); do
  measure %e build -t go-operator:demo examples/go-operator
done | sort -n | awk '{a[NR]=$1} END {printf "rebuild, nothing changed: best %.3f s, median %.3f s (10 runs)\n", a[1], a[int((NR+1)/2)]}'

# 2. Per-RUN overhead: 20 `RUN true` steps against the same file without them, --no-cache, median of 5 each.
mkdir -p "$work/runs" "$work/none"
{ echo "FROM localhost/busybox:latest"; for i in $(seq 20); do echo "RUN true $i"; done; } > "$work/runs/Dockerfile"
echo "FROM localhost/busybox:latest" > "$work/none/Dockerfile"
with=$(for i in $(seq 5); do measure %e build --no-cache "$work/runs"; done | median)
without=$(for i in $(seq 5); do measure %e build --no-cache "$work/none"; done | median)
awk -v w="$with" -v n="$without" 'BEGIN {printf "per RUN true: %.0f ms, the command included (20 RUNs %.2f s, none %.2f s; GNU time has 10 ms resolution)\n", (w-n)*1000/20, w, n}'

# 3. Peak memory for a 200 MB context (200 files of 1 MB, random), COPY . /ctx/, --no-cache.
mkdir -p "$work/big/data"
for i in $(seq 200); do head -c 1048576 /dev/urandom > "$work/big/data/f$i"; done
printf 'FROM scratch\nCOPY . /ctx/\n' > "$work/big/Dockerfile"
kb=$(measure %M build --no-cache "$work/big")
echo "peak RSS, 200 MB context: $((kb / 1024)) MB"
