#!/usr/bin/env bash
# A builder stage that writes a large layer the final image never contains (a toolchain's caches, a module
# download), built cold by Kiln and by BuildKit alternately in one run. Kiln keeps a step's layer as a snapshot
# and tars it only when an exported image contains it, so the builder's layer is never tarred, hashed or stored;
# BuildKit's overlay snapshotter likewise makes no blob for it. Prints the median and range of each, and the size
# of Kiln's content store after a build (the blobs it wrote).
# Needs: the lab (../shared/bench/setup.sh: dockerd with BuildKit, the registry with debian:bookworm), a published
# kiln (scripts/publish). Runs as root.
# Usage: bench/builder-layer/run.sh [--runs N] [--mb MB] [KILN]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=5 mb=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --mb) mb=$2; shift 2 ;;
    *) break ;;
  esac
done
kiln=$(realpath "${1:-artifacts/kiln}")
docker=/usr/bin/docker # Debian's client, which has the classic builder's DOCKER_BUILDKIT=1 switch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/kiln-root
mkdir -p "$work/context"
cat > "$work/context/Dockerfile" <<DOCKERFILE
FROM localhost:5000/debian:bookworm AS builder
RUN dd if=/dev/zero of=/toolchain-cache bs=1M count=$mb status=none && echo built > /out
FROM localhost:5000/debian:bookworm
COPY --from=builder /out /out
DOCKERFILE
"$kiln" --root "$root" pull -q localhost:5000/debian:bookworm >/dev/null
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b-a}'; }
: > "$work/kiln"; : > "$work/buildkit"
for i in $(seq "$runs"); do
  "$kiln" --root "$root" prune --all >/dev/null
  seconds "$kiln" --root "$root" build -q -t builder-layer "$work/context" >> "$work/kiln"
  $docker rmi -f builder-layer >/dev/null 2>&1 || true
  $docker builder prune -af >/dev/null
  seconds env DOCKER_BUILDKIT=1 $docker build -q -t builder-layer "$work/context" >> "$work/buildkit"
done
stats() { sort -n "$1" | awk '{a[NR]=$1} END {printf "median %.3f s (%.3f-%.3f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
echo "builder layer of $mb MB, cold, $runs runs each: kiln $(stats "$work/kiln"), buildkit $(stats "$work/buildkit")"
echo "per run: kiln $(paste -sd" " "$work/kiln"), buildkit $(paste -sd" " "$work/buildkit")"
echo "kiln blobs after the last build: $(du -sm "$root/blobs" | cut -f1) MB (the base image and the final layers)"
