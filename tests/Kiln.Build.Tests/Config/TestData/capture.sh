#!/bin/bash
# capture.sh NAME DIR [docker build args...]: build with the lab's BuildKit, push, save the config blob
set -e
name=$1; dir=$2; shift 2
DOCKER_BUILDKIT=1 /usr/bin/docker build -q -t localhost:5000/orc-$name:1 "$@" $dir >/dev/null
/usr/bin/docker push -q localhost:5000/orc-$name:1 >/dev/null
m=$(curl -s http://127.0.0.1:5000/v2/orc-$name/manifests/1 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json')
c=$(echo "$m" | python3 -c 'import json,sys;print(json.load(sys.stdin)["config"]["digest"])')
curl -s http://127.0.0.1:5000/v2/orc-$name/blobs/$c > /tmp/oracle/$name.config.json
echo "$m" > /tmp/oracle/$name.manifest.json
