# git keeps no empty directories
cd context
mkdir -p empty/nested tree/a/b; : > emptyfile; : > tree/a/b/zero
