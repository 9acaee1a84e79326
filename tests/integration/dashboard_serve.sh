# The dashboard can be served as shipped (issue 14 item 6): the shipped
# config's www_dir is a directory tmpfiles makes 0755 lakewatch, the
# dashboard unit may write it, the nginx snippet serves that path, and
# a page written there is readable by "other" (nginx's www-data) along
# the whole path, unlike <state_dir>/www under /var/lib/lakewatch (0750).
. "$(dirname "$0")/../lib.sh"

WWW=$(sed -n 's/^www_dir *= *\([^ ;]*\).*/\1/p' "$TOP/etc/lakewatch.conf")
echo "shipped www_dir: '$WWW'"
check "etc/lakewatch.conf sets an absolute www_dir" test "${WWW#/}" != "$WWW"
check "... outside the state directory (0750)" \
    test "${WWW#/var/lib/lakewatch}" = "$WWW"
check "tmpfiles makes it 0755 lakewatch" grep -Eq \
    "^d $WWW 0755 lakewatch lakewatch" "$TOP/systemd/lakewatch.tmpfiles"
check "the dashboard unit may write it" grep -Eq \
    "^ReadWritePaths=-?$WWW\$" "$TOP/systemd/lakewatch-dashboard.service"
check "the nginx snippet serves it" grep -Eq "alias $WWW/;" \
    "$TOP/etc/nginx-lakewatch.conf"
check "make install installs the snippet" grep -q \
    'etc/nginx-lakewatch.conf' "$TOP/Makefile"

# tmpfiles.d for real, into a root of our own (a lakewatch user there)
if command -v systemd-tmpfiles >/dev/null && [ "$(id -u)" = 0 ]; then
	R=$W/root
	mkdir -p "$R/etc"
	echo 'lakewatch:x:999:999::/:/usr/sbin/nologin' >"$R/etc/passwd"
	echo 'lakewatch:x:999:' >"$R/etc/group"
	chmod 755 "$W" "$R"
	systemd-tmpfiles --create --root="$R" \
	    "$TOP/systemd/lakewatch.tmpfiles" >"$W/tmpfiles.out" 2>&1
	check "systemd-tmpfiles --create exits 0" test $? -eq 0
	cat "$W/tmpfiles.out"
	check "www_dir made 755, uid 999" test \
	    "$(stat -c '%a %u' "$R$WWW" 2>/dev/null)" = "755 999"
	"$PY" "$TOP/tests/fixtures/gen_year.py" "$W/fx" 2026 \
	    --write-conf "$W/lw.conf" || die "fixture generator failed"
	sed -i "s#^state_dir = .*#state_dir = $W/state#" "$W/lw.conf"
	"$BIN/lakewatch" dashboard -c "$W/lw.conf" -o "$R$WWW" >"$W/dash.out" \
	    2>&1
	check "dashboard writes there" test -s "$R$WWW/index.html"
	check "other (nginx) can read index.html along the path" "$PY" - \
	    "$R$WWW/index.html" "$R" <<'PYEOF'
import os, stat, sys
p, root = sys.argv[1], sys.argv[2]
assert os.stat(p).st_mode & stat.S_IROTH, p
d = os.path.dirname(p)
while len(d) >= len(root):
    assert os.stat(d).st_mode & stat.S_IXOTH, d + " not o+x"
    d = os.path.dirname(d)
PYEOF
fi
finish
