t=$(mktemp -d); mkdir -p "$t/z"; echo z > "$t/z/f"; find "$t" -exec touch -h -d @1600000000 {} +
tar --sort=name --numeric-owner -C "$t" -cf - z | zstd -q -c > context/a.tar.zst
rm -rf "$t"
