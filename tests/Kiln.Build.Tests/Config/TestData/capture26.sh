#!/bin/bash
# capture26.sh NAME: rebuild the case NAME with Docker 26's BuildKit (current BuildKit: the reference where it and
# 20.10's differ) on exactly the base it was first captured on, and write its config to NAME/expected.json.
# The base is made from NAME/base.json (the config, byte for byte) over the lab's busybox rootfs tarball, its one
# layer (same diffID), loaded as kiln-golden/base:NAME; only FROMs of localhost:5000 images are pointed at it, which
# changes nothing in the config (a FROM writes no history). Needs ../shared/oracle/docker26.sh running.
set -euo pipefail
name=$1
case_dir=$(cd "$(dirname "$0")/$name" && pwd)
D=(/usr/bin/docker -H unix:///run/docker26.sock)
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/base" "$w/out" "$w/context"
cp "$case_dir/base.json" "$w/base/config.json"
cp /var/cache/lab/busybox-rootfs.tar "$w/base/layer.tar"
printf '[{"Config":"config.json","RepoTags":["kiln-golden/base:%s"],"Layers":["layer.tar"]}]' "$name" > "$w/base/manifest.json"
tar -C "$w/base" -cf "$w/base.tar" .
"${D[@]}" load -q -i "$w/base.tar" >/dev/null
sed "s|^FROM localhost:5000/[^ ]*|FROM kiln-golden/base:$name|" "$case_dir/Dockerfile" > "$w/Dockerfile"
echo f > "$w/context/f.txt"
args=()
if [ -f "$case_dir/options" ]; then
  while IFS= read -r line; do args+=("--${line%%=*}" "${line#*=}"); done < "$case_dir/options"
fi
DOCKER_BUILDKIT=1 "${D[@]}" build -q -t "kiln-golden/$name:1" -f "$w/Dockerfile" "${args[@]}" "$w/context" >/dev/null
"${D[@]}" save -o "$w/out.tar" "kiln-golden/$name:1"
tar -C "$w/out" -xf "$w/out.tar"
config=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$w/out/manifest.json")
cp "$w/out/$config" "$case_dir/expected.json"
"${D[@]}" rmi "kiln-golden/$name:1" "kiln-golden/base:$name" >/dev/null
