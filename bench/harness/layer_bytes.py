#!/usr/bin/env python3
"""Reads an image archive written by `kiln save` (an OCI layout) from the path in argv[1] and prints the
uncompressed size of its layers as docker counts an image's Size: the bytes of the regular files in the
layers (docker's overlay2 driver sizes each layer's diff directory), so Kiln's image can be compared with
`docker image inspect .Size`. zstd layers are piped through the zstd command (no zstd in Python < 3.14)."""
import gzip, io, json, subprocess, sys, tarfile

archive = tarfile.open(sys.argv[1], "r:")

def blob(digest):
    algo, hexd = digest.split(":", 1)
    return archive.extractfile(f"blobs/{algo}/{hexd}")

index = json.load(archive.extractfile("index.json"))
manifest = json.load(blob(index["manifests"][0]["digest"]))
total = 0
for layer in manifest["layers"]:
    media, raw = layer["mediaType"], blob(layer["digest"])
    if media.endswith("zstd"):
        stream = io.BytesIO(subprocess.run(["zstd", "-dc"], input=raw.read(), stdout=subprocess.PIPE, check=True).stdout)
    elif media.endswith("gzip"):
        stream = gzip.GzipFile(fileobj=raw)
    else:
        stream = raw
    with tarfile.open(fileobj=stream, mode="r|") as layer_tar:
        for member in layer_tar:
            if member.isreg():
                total += member.size
print(total)
