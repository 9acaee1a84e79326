# `lakewatch import` and `lakewatch maintenance` run as root on a
# state_dir that belongs to the service user (here nobody), who can plant
# symbolic links there. None may make root chown, create or truncate
# anything outside: the tool drops to the state_dir owner before it
# touches state_dir, opens nothing under it through a link, and makes
# its temporary files anew. Needs root (as CI runs).
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || die "needs root (to chown the state_dir to nobody)"
LW="$BIN/lakewatch"
S=$W/state
V=$W/victim			# root's: must stay as it is
chmod 755 "$W"
mkdir -p "$S" "$V"
echo "root's secret" >"$V/passwd"
chmod 644 "$V/passwd"
chown nobody: "$S"
cat >"$W/lw.conf" <<EOC
[daemon]
state_dir = $S
[bus b]
host = 127.0.0.1
[sensor tp]
bus = b
register = 0
EOC
printf 'time,value,flag\n2026-05-01T00:00:00Z,0.05\n' >"$W/in.csv"
nob() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
owner() { stat -c %U "$1"; }
victim_intact() {
	test "$(owner "$V")" = root && test "$(cat "$V/passwd")" = \
	    "root's secret" && test "$(ls "$V")" = passwd
}

# samples/tp -> a directory of root's: was chowned to nobody and written
nob mkdir "$S/samples"
nob ln -s "$V" "$S/samples/tp"
"$LW" import -c "$W/lw.conf" tp "$W/in.csv" >"$W/a.out" 2>&1
check "samples/tp a link: import refused" test $? -ne 0
cat "$W/a.out"
check "samples/tp a link: $V untouched" victim_intact
check "samples/tp a link: the error names it" grep -q "samples/tp" "$W/a.out"
rm "$S/samples/tp"

# samples/tp/2026-05.csv -> a file of root's to be: was created
nob mkdir "$S/samples/tp"
nob ln -s "$V/made-by-root" "$S/samples/tp/2026-05.csv"
"$LW" import -c "$W/lw.conf" tp "$W/in.csv" >"$W/b.out" 2>&1
check "month file a link: import refused" test $? -ne 0
cat "$W/b.out"
check "month file a link: nothing made in $V" victim_intact
rm "$S/samples/tp/2026-05.csv"

# maintenance/tp.tmp -> root's file: was truncated and written
nob mkdir "$S/maintenance"
nob ln -s "$V/passwd" "$S/maintenance/tp.tmp"
"$LW" maintenance -c "$W/lw.conf" tp on >"$W/c.out" 2>&1
check "tp.tmp a link: maintenance on still works" test $? -eq 0
cat "$W/c.out"
check "tp.tmp a link: $V/passwd untouched" victim_intact
check "maintenance/tp is a file of nobody's" test -f "$S/maintenance/tp" \
    -a ! -L "$S/maintenance/tp" -a "$(owner "$S/maintenance/tp")" = nobody
check "maintenance listed" sh -c "'$LW' maintenance -c '$W/lw.conf' | \
    grep -q '^tp .*until switched off'"
"$LW" maintenance -c "$W/lw.conf" tp off >/dev/null 2>&1
check "maintenance off" test ! -e "$S/maintenance/tp"

# maintenance -> a directory of root's: was written into as root
rm -r "$S/maintenance"
nob ln -s "$V" "$S/maintenance"
"$LW" maintenance -c "$W/lw.conf" tp on -f 1h >"$W/d.out" 2>&1
check "maintenance a link: refused" test $? -ne 0
cat "$W/d.out"
check "maintenance a link: nothing made in $V" victim_intact
rm "$S/maintenance"

# state_dir root's (no drop), its subfolders nobody's: the links are
# still not followed
S2=$W/state2
mkdir -p "$S2/samples" "$S2/maintenance"
chown nobody: "$S2/samples" "$S2/maintenance"
sed "s#^state_dir = .*#state_dir = $S2#" "$W/lw.conf" >"$W/lw2.conf"
nob ln -s "$V" "$S2/samples/tp"
nob ln -s "$V/passwd" "$S2/maintenance/tp.tmp"
"$LW" import -c "$W/lw2.conf" tp "$W/in.csv" >"$W/f.out" 2>&1
check "root's state_dir, samples/tp a link: import refused" test $? -ne 0
cat "$W/f.out"
"$LW" maintenance -c "$W/lw2.conf" tp on >"$W/g.out" 2>&1
check "root's state_dir, tp.tmp a link: maintenance on" test $? -eq 0
check "root's state_dir: $V untouched" victim_intact

# with no link, root's import leaves files of nobody's and no chown
"$LW" import -c "$W/lw.conf" tp "$W/in.csv" >"$W/e.out" 2>&1
check "plain import as root exits 0" test $? -eq 0
cat "$W/e.out"
for f in "$S/samples/tp/2026-05.csv" "$S/rrd" "$S/rrd/tp.rrd"; do
	check "${f#"$S"/} is nobody's" test "$(owner "$f")" = nobody
done
finish
