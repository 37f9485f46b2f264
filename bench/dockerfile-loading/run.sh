#!/usr/bin/env bash
# Times loading (parse + bind) of generated Dockerfiles of 1,000 to 20,000 ENV lines with `kiln build --check`, and
# the same files built by BuildKit where a docker daemon is given, then how soon SIGTERM stops kiln loading the
# largest one. Each figure is the median of 3 runs; GNU time has 10 ms resolution. Prints one line per figure.
# Needs: a kiln binary (scripts/publish makes artifacts/kiln), GNU time, bc; for BuildKit, a docker CLI and daemon
# (the lab's Docker 26: DOCKER=unix:///run/docker26.sock, through the 20.10 CLI /usr/bin/docker, which needs no
# buildx). BuildKit's figure is a whole `docker build` of the file on scratch (nothing to run, no layer) less that
# of a one-line Dockerfile, so mostly its frontend; it takes over a minute for 1,000 lines and grows faster than
# the file, so it is timed once and only up to BUILDKIT_MAX_LINES (default 2,000).
# Usage: bench/dockerfile-loading/run.sh [KILN]   (env DOCKER=unix:///... to time BuildKit too)
set -euo pipefail
cd "$(dirname "$0")/../.."
kiln=$(realpath "${1:-artifacts/kiln}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
generate() { # generate FILE LINES [LABEL_BYTES]
  { echo "FROM scratch"; seq 1 "$2" | awk '{print "ENV V" $1 "=value" $1}'
    if [ "${3:-0}" -gt 0 ]; then printf 'LABEL big="%s"\n' "$(head -c "$3" /dev/zero | tr '\0' l)"; fi; } > "$1"
}
kiln_check() { /usr/bin/time -f %e -o "$work/time" "$kiln" build --check -f "$1" "$work/ctx" >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }; cat "$work/time"; }
docker_cli=${DOCKER_CLI:-/usr/bin/docker}
docker_build() {
  DOCKER_BUILDKIT=1 /usr/bin/time -f %e -o "$work/time" "$docker_cli" -H "$DOCKER" build -q --no-cache -f "$1" "$work/ctx" >"$work/iid" 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
  "$docker_cli" -H "$DOCKER" rmi "$(cat "$work/iid")" >/dev/null 2>&1 || true
  cat "$work/time"
}

mkdir -p "$work/ctx"
generate "$work/one" 0
if [ -n "${DOCKER:-}" ]; then buildkit_base=$(for i in 1 2 3; do docker_build "$work/one"; done | median); fi
for lines in 1000 2000 5000 10000 20000; do
  generate "$work/f$lines" "$lines"
  k=$(for i in 1 2 3; do kiln_check "$work/f$lines"; done | median)
  line="ENV lines: $lines  kiln --check: $k s"
  if [ -n "${DOCKER:-}" ] && [ "$lines" -le "${BUILDKIT_MAX_LINES:-2000}" ]; then
    b=$(docker_build "$work/f$lines")
    line="$line  BuildKit: $(echo "$b - $buildkit_base" | bc) s (docker build $b s, one-line file $buildkit_base s)"
  fi
  echo "$line"
done

generate "$work/label" 20000 61440
echo "20,000 ENV lines + a 60 KB LABEL  kiln --check: $(for i in 1 2 3; do kiln_check "$work/label"; done | median) s"

# SIGTERM half a second into loading 400,000 ENV lines (9 MB, within the 16 MiB limit): how long until kiln has
# exited (it must exit 143, not finish the load).
generate "$work/huge" 400000
echo "400,000 ENV lines (9 MB)  kiln --check: $(kiln_check "$work/huge") s (one run)"
for i in 1 2 3; do
  "$kiln" build --check -f "$work/huge" "$work/ctx" >/dev/null 2>&1 & pid=$!
  sleep 0.5; sent=$(date +%s.%N); kill -TERM "$pid"; status=0; wait "$pid" || status=$?; done_at=$(date +%s.%N)
  [ "$status" = 143 ] || { echo "kiln exited $status after SIGTERM, not 143" >&2; exit 1; }
  echo "$done_at - $sent" | bc
done | median | awk '{printf "SIGTERM 0.5 s into loading it: exited 143 after %.3f s (median of 3)\n", $1}'
