# Names past ustar's 100 bytes (and a path past its 255) make PAX or GNU long-name records in every layer writer.
cd context
d=$(printf 'x%.0s' $(seq 1 150)); mkdir -p "$d/$d"; echo deep > "$d/$d/$(printf 'f%.0s' $(seq 1 150))"
ln -s "$d/$d" "$(printf 's%.0s' $(seq 1 120))"; ln "$d/$d/$(printf 'f%.0s' $(seq 1 150))" "$(printf 'h%.0s' $(seq 1 130))"
