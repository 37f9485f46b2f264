# Device nodes and a fifo can only be made by root at test time.
t=$(mktemp -d); mkdir -p "$t/dev"
mknod "$t/dev/null" c 1 3; mknod "$t/dev/loop9" b 7 9; mkfifo "$t/dev/fifo"; chmod 0620 "$t/dev/fifo"
find "$t" -exec touch -h -d @1600000000 {} +
tar --sort=name --numeric-owner -C "$t" -cf context/special.tar dev
rm -rf "$t"
