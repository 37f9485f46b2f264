#!/usr/bin/env bash
# Kiln against BuildKit and Buildah on the lab's cases (issue 5). Writes results/<stamp>/results.tsv,
# then BENCHMARKS.md and bench/harness/kiln-vs-buildkit.svg at the repository root via report.py.
#   bench/harness/run.sh [--runs N] [--skip-setup] [--skip-publish] [--cases "seed-go fanout ..."]
# Builders alternate inside each repetition (the order rotates per repetition) so the machine's
# drift hits all three alike. Cold = no build cache, base images present (pulls are not timed). For seed-go, a
# fourth "builder" alternates with them: its `go build` alone, outside any container (bare-go-build.sh), which
# the issue's incremental target is measured against.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${KILN_BENCH_SHARED:-$REPO/../shared/bench}
RUNS=3 SETUP=1 PUBLISH=1 CASES="seed-go fanout bigcontext unused-stage run-steps run-none"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --skip-setup) SETUP=0; shift ;;
    --skip-publish) PUBLISH=0; shift ;;
    --cases) CASES=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--skip-setup] [--skip-publish] [--cases LIST]" >&2; exit 2 ;;
  esac
done
RUN_STEPS=20  # the run-steps case's RUN count
# Debian's 20.10 client: a newer docker first on PATH may lack buildx and refuse DOCKER_BUILDKIT=1.
DOCKER=/usr/bin/docker
KILN=$REPO/artifacts/kiln
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$HERE/results/$STAMP
mkdir -p "$OUT"
TSV=$OUT/results.tsv
LOG=$OUT/build.log
SCRATCH=$(mktemp -d /tmp/kiln-bench.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOG" >&2; }

# The machine as it was before we loaded it.
{
  echo "date	$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc	$(nproc)"
  echo "memory	$(free -m | awk '/^Mem:/{print $2 " MiB"}')"
  echo "kernel	$(uname -r)"
  echo "loadavg	$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "runs	$RUNS"
  echo "run_steps	$RUN_STEPS"
} > "$OUT/machine.tsv"

if [ "$SETUP" = 1 ]; then log "setup.sh"; bash "$SHARED/setup.sh" >> "$LOG" 2>&1; fi
if [ "$PUBLISH" = 1 ]; then log "publish kiln"; "$REPO/scripts/publish" >> "$LOG" 2>&1; fi
[ -x "$KILN" ] || { echo "no $KILN (run without --skip-publish)" >&2; exit 1; }

{
  echo "kiln	$("$KILN" --version 2>/dev/null | head -1) (commit $(git -C "$REPO" rev-parse --short HEAD))"
  echo "docker	$($DOCKER version --format 'client {{.Client.Version}}, server {{.Server.Version}}' 2>/dev/null)"
  echo "buildah	$(buildah --version)"
  echo "buildah-runtime	$(buildah info --format '{{.host.OCIRuntime}}' 2>/dev/null)"
} >> "$OUT/machine.tsv"

# RUN overhead (issue 5: ≤ 40 ms per step above the command itself) is measured by two cases of our own, built
# cold like the others: run-steps is the busybox base and RUN_STEPS `RUN true N` steps, run-none the base alone.
# Per step = (run-steps - run-none) / RUN_STEPS, each builder against itself in the same repetition.
for c in $CASES; do
  case "$c" in
    run-steps) mkdir -p "$SCRATCH/$c"
      { echo "FROM localhost:5000/busybox:latest"; for i in $(seq "$RUN_STEPS"); do echo "RUN true $i"; done; } > "$SCRATCH/$c/Dockerfile" ;;
    run-none) mkdir -p "$SCRATCH/$c"; echo "FROM localhost:5000/busybox:latest" > "$SCRATCH/$c/Dockerfile" ;;
    *) cp -r "$SHARED/cases/$c" "$SCRATCH/$c"; chmod -R u+w "$SCRATCH/$c" ;;
  esac
done
if [[ " $CASES " == *" bigcontext "* ]]; then log "bigcontext gen.sh"; bash "$SCRATCH/bigcontext/gen.sh" >> "$LOG" 2>&1; fi

# Kiln's store lives in the scratch dir. The base images are pulled once, untimed (kiln pull unpacks them as
# docker pull does); a cold run then removes the result and the whole build cache, keeping the bases, exactly as
# `docker builder prune -af` does for BuildKit.
KROOT=$SCRATCH/kiln-root
bases() { awk 'toupper($1)=="FROM" && $2 ~ /^localhost:5000\//{print $2}' "$SCRATCH/$1/Dockerfile" | sort -u; }

pull_kiln_bases() {
  mkdir -p "$KROOT"
  local c b; for c in $CASES; do for b in $(bases "$c"); do "$KILN" --root "$KROOT" pull -q "$b" >> "$LOG" 2>&1; done; done
}
cold_kiln() {
  "$KILN" --root "$KROOT" rm "kiln-bench-$1" >> "$LOG" 2>&1 || true
  "$KILN" --root "$KROOT" prune --all >> "$LOG" 2>&1
}
cold_buildkit() {
  $DOCKER rmi -f "kiln-bench-$1" >> "$LOG" 2>&1 || true
  $DOCKER builder prune -af >> "$LOG" 2>&1
}
cold_buildah() {
  # Removing the tagged result leaves its --layers intermediates dangling; prune drops those and keeps bases.
  buildah rm --all >> "$LOG" 2>&1 || true
  buildah rmi -f "kiln-bench-$1" >> "$LOG" 2>&1 || true
  buildah rmi --prune >> "$LOG" 2>&1 || true
}

# The bare go build runs in a chroot of the golang base image's files, exported once (untimed).
BARE_ROOT=$SCRATCH/bare-go
export_bare_rootfs() {
  local image cid
  image=$(bases seed-go | grep golang)
  mkdir -p "$BARE_ROOT"
  cid=$($DOCKER create "$image" /bin/true)
  $DOCKER export "$cid" | tar -x -C "$BARE_ROOT"
  $DOCKER rm "$cid" >> "$LOG" 2>&1
  $DOCKER image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$image" | grep . > "$BARE_ROOT/.bare-env"
}
# Untimed, before every bare run: the workspace as the COPY steps leave it, and no Go build cache.
prepare_bare() { bash "$HERE/bare-go-build.sh" prepare "$BARE_ROOT" "$SCRATCH/$1" >> "$LOG" 2>&1; }

build_cmd() { # builder case -> the command line, as it is written into BENCHMARKS.md
  case "$1" in
    bare) echo "bash $HERE/bare-go-build.sh run $BARE_ROOT" ;;
    kiln) echo "$KILN --root $KROOT build --progress=plain -t kiln-bench-$2 $SCRATCH/$2" ;;
    buildkit) echo "env DOCKER_BUILDKIT=1 $DOCKER build --progress=plain -t kiln-bench-$2 $SCRATCH/$2" ;;
    buildah) echo "buildah bud --layers --pull=false --jobs $(nproc) -t kiln-bench-$2 $SCRATCH/$2" ;;
  esac
}

image_size() {
  case "$1" in
    kiln) "$KILN" --root "$KROOT" inspect "kiln-bench-$2" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Size"])' 2>/dev/null || echo NA ;;
    buildkit) $DOCKER image inspect -f '{{.Size}}' "kiln-bench-$2" 2>/dev/null || echo NA ;;
    bare) echo NA ;;
    buildah) buildah images --json "kiln-bench-$2" 2>/dev/null | python3 -c '
import json,sys
s=json.load(sys.stdin)[0]["size"].split(); u={"B":1,"kB":1e3,"KB":1e3,"MB":1e6,"GB":1e9}
print(int(float(s[0])*u[s[1]]))' 2>/dev/null || echo NA ;;
  esac
}

# Kiln reports the stored size (manifest layers + config, pulled layers compressed, its own plain); docker and Buildah report uncompressed
# bytes. For the size comparison, count the regular-file bytes of Kiln's final layers like docker does.
echo -e "case\tbuilder\tuncompressed_file_bytes" > "$OUT/sizes.tsv"
kiln_uncompressed() {
  rm -f "$SCRATCH/save.tar"
  if "$KILN" --root "$KROOT" save -o "$SCRATCH/save.tar" "kiln-bench-$1" >> "$LOG" 2>&1; then
    echo -e "$1\tkiln\t$(python3 "$HERE/layer_bytes.py" "$SCRATCH/save.tar")" >> "$OUT/sizes.tsv"
  fi
  rm -f "$SCRATCH/save.tar"
}

echo -e "run\tcase\tphase\tbuilder\tseconds\tpeak_rss_kb\timage_bytes\texit" > "$TSV"
cmds_file=$OUT/commands.txt; : > "$cmds_file"
measure() { # run case phase builder
  local cmd; cmd=$(build_cmd "$4" "$2")
  grep -qxF "$4	$cmd" "$cmds_file" || echo "$4	$cmd" >> "$cmds_file"
  echo "=== run $1 $2 $3 $4: $cmd" >> "$LOG"
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  rm -f "$SCRATCH/rss"
  if [ "$4" = kiln ]; then
    # kiln's own peak (VmHWM of its process), not that of the commands its RUN steps start (go build), which
    # /usr/bin/time would report; time's figure stands only for runs too short for the poller to see.
    /usr/bin/time -f %M -o "$SCRATCH/rss-time" $cmd >> "$LOG" 2>&1 &
    local pid=$! poller
    # The poller starts 0.2 s late, so that its own start-up does not compete with kiln's on the 2 cores: VmHWM
    # is a high-water mark since the process began, so nothing is lost by reading it later.
    (sleep 0.2; exec python3 "$HERE/peak_rss.py" "$pid" "$SCRATCH/rss") & poller=$!
    wait "$pid" || rc=$?
    t1=$(date +%s.%N)
    wait "$poller" || true
    if [ "$(cat "$SCRATCH/rss" 2>/dev/null)" = 0 ]; then tail -1 "$SCRATCH/rss-time" > "$SCRATCH/rss"; fi
  else
    $cmd >> "$LOG" 2>&1 || rc=$?
    t1=$(date +%s.%N)
  fi
  local secs rss size
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
  rss=$(tail -1 "$SCRATCH/rss" 2>/dev/null | grep -E '^[0-9]+$' || echo NA)   # NA for the peers: the docker client's RSS says nothing about the daemon
  size=$(image_size "$4" "$2")
  echo -e "$1\t$2\t$3\t$4\t$secs\t$rss\t$size\t$rc" >> "$TSV"
  log "run $1 $2 $3 $4: ${secs}s rss=${rss}KB size=$size exit=$rc"
}

change_line() { # case run: the incremental change
  case "$1" in
    seed-go) sed -i "s/^const buildNote = .*/const buildNote = \"bench-run-$2\"/" "$SCRATCH/seed-go/main.go" ;;
    bigcontext) touch "$SCRATCH/bigcontext/data/d007/f01007.txt" ;;
  esac
}
phases() { case "$1" in seed-go|bigcontext) echo "cold warm incremental" ;; run-*) echo cold ;; *) echo "cold warm" ;; esac; }

log "kiln pull of the base images (untimed)"
pull_kiln_bases
if [[ " $CASES " == *" seed-go "* ]]; then log "export of the golang base for the bare go build (untimed)"; export_bare_rootfs; fi

ORDERS=("kiln buildkit buildah" "buildkit buildah kiln" "buildah kiln buildkit")
BARE_ORDERS=("kiln buildkit buildah bare" "buildkit buildah bare kiln" "buildah bare kiln buildkit" "bare kiln buildkit buildah")
order_of() { # case phase run -> the builders, in this repetition's order
  if [ "$1" = seed-go ] && [ "$2" != warm ]; then echo "${BARE_ORDERS[$((($3 - 1) % 4))]}"; else echo "${ORDERS[$((($3 - 1) % 3))]}"; fi
}
for ((r = 1; r <= RUNS; r++)); do
  for c in $CASES; do
    for p in $(phases "$c"); do
      [ "$p" = incremental ] && change_line "$c" "$r"
      for b in $(order_of "$c" "$p" "$r"); do
        [ "$p" = cold ] && [ "$b" != bare ] && "cold_$b" "$c"
        [ "$b" = bare ] && prepare_bare "$c"
        measure "$r" "$c" "$p" "$b"
      done
    done
    if [ "$r" = "$RUNS" ] && [[ $c != run-* ]]; then kiln_uncompressed "$c"; fi
  done
done

python3 "$HERE/report.py" "$OUT" "$REPO/BENCHMARKS.md" "$REPO/bench/harness/kiln-vs-buildkit.svg"
log "done: $TSV, BENCHMARKS.md"
