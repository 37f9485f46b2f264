# Archives with owners, modes, a symlink, a hard link, an empty directory and pinned times, in each compression.
t=$(mktemp -d)
mkdir -p "$t/top/sub" "$t/top/empty"
echo one > "$t/top/one"; echo sub > "$t/top/sub/f"
chmod 0751 "$t/top/sub"; chmod 0604 "$t/top/one"
ln -s one "$t/top/link"; ln "$t/top/one" "$t/top/hard"
chown 1234:5678 "$t/top/one"; chown -h 42:43 "$t/top/link"
find "$t" -exec touch -h -d @1600000000 {} +
tar --sort=name --numeric-owner -C "$t" -cf context/a.tar top
gzip -n -c context/a.tar > context/a.tar.gz
cp context/a.tar.gz context/a.tgz
xz -c context/a.tar > context/a.tar.xz
bzip2 -c context/a.tar > context/a.tar.bz2
echo 'not a tar' | gzip -n > context/plain.gz
rm -rf "$t"
