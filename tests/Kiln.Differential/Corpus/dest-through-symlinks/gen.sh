t=$(mktemp -d); echo t > "$t/t"; touch -d @1600000000 "$t/t"
tar --sort=name --numeric-owner -C "$t" -cf context/a.tar t
rm -rf "$t"
