#!/usr/bin/env bash
# The seed-go case's `go build` with no container around it: the "bare go build" that issue 5's seed-go
# incremental target is measured against (Kiln ≤ 1 s above it). It runs in a chroot of the golang base image's
# files (exported once by run.sh), with the image's environment, in the workspace the Dockerfile's COPY steps
# make, from an empty Go build cache, as the RUN step does. A private mount namespace gives it /dev and /proc.
#   bare-go-build.sh prepare ROOTFS CASE_DIR   reset the workspace and the Go cache (untimed)
#   bare-go-build.sh run ROOTFS                the timed command
set -euo pipefail
ROOT=$2
case "$1" in
  prepare)
    rm -rf "$ROOT/workspace" "$ROOT/root/.cache" "$ROOT/tmp"
    mkdir -p "$ROOT/workspace" "$ROOT/root" && mkdir -m 1777 "$ROOT/tmp"
    # What the Dockerfile copies into /workspace, so a changed main.go is picked up each time.
    cp -r "$3/go.mod" "$3/go.sum" "$3/main.go" "$3/api" "$3/controllers" "$3/internal" "$ROOT/workspace/"
    ;;
  run)
    # The image's Env, one NAME=value a line, as run.sh wrote it (values may hold spaces).
    # shellcheck disable=SC2016 # expanded by the inner shell
    exec unshare --mount --propagation private -- bash -c '
      mapfile -t env < "$0/.bare-env"
      mount --rbind /dev "$0/dev" && mount -t proc proc "$0/proc" &&
      exec chroot "$0" /usr/bin/env -i HOME=/root "${env[@]}" /bin/sh -c \
        "cd /workspace && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -a -o manager main.go"' "$ROOT"
    ;;
  *) echo "usage: $0 prepare ROOTFS CASE_DIR | run ROOTFS" >&2; exit 2 ;;
esac
