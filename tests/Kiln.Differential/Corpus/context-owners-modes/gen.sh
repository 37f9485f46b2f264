cd context
echo o > owned; chown 1234:5678 owned
echo p > private; chmod 0600 private
echo s > setuid; chmod 4755 setuid
echo g > setgid; chmod 2711 setgid
mkdir sticky; chmod 1777 sticky; echo in > sticky/in
mkdir closed; chmod 0700 closed; echo c > closed/c
echo x > exec; chmod 0555 exec
mkdir owned-dir; chown 99:98 owned-dir
