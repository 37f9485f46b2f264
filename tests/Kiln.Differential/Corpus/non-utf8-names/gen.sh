# File names that are bytes, not UTF-8 (Latin-1 e acute, a lone continuation byte); git cannot store them portably.
cd context
echo l > "$(printf 'caf\351')"; mkdir "$(printf 'dir\377')"; echo i > "$(printf 'dir\377/in\200side')"
t=$(mktemp -d); echo t > "$t/$(printf 'tar\351')"; touch -d @1600000000 "$t/$(printf 'tar\351')"
tar --sort=name --numeric-owner -C "$t" -cf names.tar .
rm -rf "$t"
