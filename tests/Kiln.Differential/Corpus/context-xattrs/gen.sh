cd context
echo f > f; setfattr -n user.kiln -v diff f; setfattr -n user.bin -v 0x00ff01 f
mkdir d; setfattr -n user.dir -v d d
t=$(mktemp -d); echo t > "$t/t"; setfattr -n user.tar -v intar "$t/t"; touch -d @1600000000 "$t/t"
tar --xattrs --xattrs-include='user.*' --sort=name --numeric-owner -C "$t" -cf x.tar t
rm -rf "$t"
