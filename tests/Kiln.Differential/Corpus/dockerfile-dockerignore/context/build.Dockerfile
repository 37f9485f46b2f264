FROM kiln-diff/busybox:1
COPY . /ctx/
