# `sudo lakewatch report` on a state_dir that belongs to the service user
# (here nobody): the .days caches it writes beside the month files are
# that user's, not root's, as is what `sudo lakewatch dashboard` writes;
# and a .lost file the service user made a symbolic link is not followed
# to a file of root's. Needs root (as CI
# runs), like tool_rootlinks.sh.
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || die "needs root (to chown the state_dir to nobody)"
LW="$BIN/lakewatch"
S=$W/state
V=$W/victim			# root's
chmod 755 "$W"
mkdir -p "$V"
"$PY" "$TOP/tests/fixtures/gen_year.py" "$S" 2026 \
    --write-conf "$W/lw.conf" || die "fixture generator failed"
chown -R nobody: "$S"
chmod 644 "$W/lw.conf"
nob() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
owner() { stat -c %U "$1"; }
T=$S/samples/centre-tp
rep() { "$@" "$LW" report -c "$W/lw.conf" -s centre-tp -y 2026; }

# root's report sums the month and keeps the sums as nobody's
rep >"$W/a.out" 2>&1
check "report as root exits 0" test $? -eq 0
cat "$W/a.out"
D=$T/2026-05.days
check "2026-05.days written" test -f "$D"
check "2026-05.days is nobody's, not root's" test "$(owner "$D")" = nobody
check "nothing of root's under the state_dir" test -z \
    "$(find "$S" -user root)"
# the service user's own report reads and replaces it
rep nob >"$W/b.out" 2>&1
check "report as nobody after root's exits 0" test $? -eq 0
check "... with the same statistics" cmp "$W/a.out" "$W/b.out"
rep >"$W/c.out" 2>&1
check "root's report from nobody's .days: the same" cmp "$W/a.out" \
    "$W/c.out"

# dashboard as root (the timer's job by hand): www_dir, here the default
# <state_dir>/www, and what it writes there are nobody's
"$LW" dashboard -c "$W/lw.conf" >"$W/dash.out" 2>&1
check "dashboard as root exits 0" test $? -eq 0
cat "$W/dash.out"
check "www/index.html is nobody's" test "$(owner "$S/www/index.html")" = \
    nobody
check "still nothing of root's under the state_dir" test -z \
    "$(find "$S" -user root)"

# samples/centre-tp/2026-04.lost -> a file of root's: was read as root
printf 'first,last,rows\n2026-04-01T00:00:00Z,2026-04-01T01:00:00Z,60\n' \
    >"$V/secret.lost"
chmod 600 "$V/secret.lost"
nob ln -s "$V/secret.lost" "$T/2026-04.lost"
rep >"$W/d.out" 2>&1
check "2026-04.lost a link: report refused" test $? -ne 0
cat "$W/d.out"
check "... the error names it" grep -q "samples/centre-tp/2026-04.lost" \
    "$W/d.out"
rm "$T/2026-04.lost"
finish
