cd context
echo linked > a; ln a b; mkdir dir; echo d > dir/c; ln dir/c dir/d; ln a dir/e
