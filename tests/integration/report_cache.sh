# `lakewatch report` from the month files' daily sums kept in <month>.days
# (lib/sampleday.h, issue 15): byte for byte the report (JSON and the
# warnings on stderr) of --no-cache, which sums every row as before, with
# the cache cold, warm (no month file read again: strace), after rows
# are appended (a line begun too), after import, after a month file is
# rewritten (new inode; in place with the same size and mtime), with the
# directory not writable (another user), with .days files truncated,
# flipped, garbage, a link, another month's; another timezone or plausible
# range; a row outside its month file.
. "$(dirname "$0")/../lib.sh"

Y=2026
S=$W/state
D=$S/samples/centre-tp
"$PY" "$TOP/tests/fixtures/gen_year.py" "$S" $Y \
    --write-conf "$W/lake.conf" || die "fixture generator failed"
# a torn line and an edited one: their warnings must be the same too
printf '2025-03-05T01:00:00Z,0.05\nnot a sample\n' >>"$D/2025-03.csv"
printf 'time,value,flag,raw,status\n' >>"$S/samples/centre-tn/2025-08.csv"
LW=$BIN/lakewatch
CONF=$W/lake.conf

rep() {	# rep ARGS...: the JSON report of $CONF, stderr in $W/rep.err
	"$LW" report -c "$CONF" --format json "$@" 2>"$W/rep.err"
	echo "exit $?"
	cat "$W/rep.err"
}
# same WHAT: cached and --no-cache alike for the site, two sensors, 2 years
same() {
	local a y bad=
	for y in $Y $((Y - 1)); do
		for a in "--site 长荡湖湖心" "--sensor centre-tp" \
		    "--sensor centre-turb"; do
			# shellcheck disable=SC2086
			rep --year $y $a >"$W/c.out"
			# shellcheck disable=SC2086
			rep --year $y $a --no-cache >"$W/n.out"
			cmp -s "$W/c.out" "$W/n.out" || bad="$bad $y$a"
		done
	done
	[ -z "$bad" ] || diff "$W/c.out" "$W/n.out" | head -20
	check "$1: the same as --no-cache${bad:+ (not:$bad)}" test -z "$bad"
}
stamp() { stat -c '%i %Y %s' "$D"/*.days | md5sum; }
# aged: every month file changed more than 2 s ago. A .days of a file
# changed within 2 s is not trusted by its stat (a change within the same
# timestamp tick would not show): it is checked by the file's hash, and
# kept again once the file is older.
aged() {
	local newest
	newest=$(stat -c %Z "$S"/samples/*/*.csv | sort -n | tail -1)
	[ $(($(date +%s) - newest)) -gt 2 ]
}

check "no .days before" test -z "$(ls "$S"/samples/*/*.days 2>/dev/null)"
same "cold"
check "a .days for each month file" test "$(ls "$D"/*.days | wc -l)" -eq \
    "$(ls "$D"/*.csv | wc -l)"
rep --year $Y --sensor centre-tp >/dev/null
rep --year $((Y - 1)) --sensor centre-tp >"$W/warn.out"
check "skipped lines still named when summed from the .days" grep -qE \
    "2025-03.csv: 2 lines skipped.*: line [0-9]+, [0-9]+$" "$W/warn.out"

wait_for 10 aged
same "aged"
before=$(stamp)
same "warm"
check "warm: no .days written again" test "$before" = "$(stamp)"
if command -v strace >/dev/null; then
	strace -y -e trace=read -o "$W/strace.txt" "$LW" report -c "$CONF" \
	    --year $Y --site 长荡湖湖心 --format json >/dev/null 2>&1
	check "warm: no month file read (strace)" test "$(grep -c \
	    '\.csv>.*= [1-9]' "$W/strace.txt")" -eq 0
fi

# the daemon appends: a new valid day in May (a figure moves), a line begun
rep --year $Y --sensor centre-tp >"$W/may0.out"
"$PY" - "$D/2026-05.csv" <<'PYEOF'
import sys
with open(sys.argv[1], "a") as f:
    for h in range(0, 24, 4):	# Beijing 2026-05-31 is UTC 05-30T16:00..
        t = "2026-05-%02dT%02d:00:00Z" % (30 + (h + 16) // 24, (h + 16) % 24)
        f.write("%s,0.9,N,0.9,1\n" % t)
    f.write("2026-05-31T05:00:00Z,0.8,N")	# no newline yet
PYEOF
same "appended"
rep --year $Y --sensor centre-tp >"$W/may1.out"
check "appended rows count (May moved)" test -n "$(cmp "$W/may0.out" \
    "$W/may1.out" 2>&1)"
printf ',0.8,1\n2026-05-31T06:00:00Z,0.7,N,0.7,1\n' >>"$D/2026-05.csv"
same "the line begun completed"

# import: new rows appended to a month of last year
printf 'time,value,flag\n2025-03-10T01:30:00Z,0.4,N\n2025-03-10T02:30:00Z,0.4,N\n' \
    >"$W/imp.csv"
"$LW" import -c "$CONF" centre-tp "$W/imp.csv" >"$W/imp.out" 2>&1
check "import exits 0" test $? -eq 0
same "after import"

# a month rewritten: a new file renamed over it, same size and mtime
"$PY" - "$D/2025-07.csv" <<'PYEOF'
import os, sys
p = sys.argv[1]
st = os.stat(p)
s = open(p).read().replace(",0.06", ",0.09")
open(p + ".new", "w").write(s)
os.utime(p + ".new", ns=(st.st_atime_ns, st.st_mtime_ns))
os.rename(p + ".new", p)
assert os.stat(p).st_size == st.st_size and os.stat(p).st_mtime_ns == st.st_mtime_ns
PYEOF
same "rewritten (new inode, same size and mtime)"
# in place, same size, mtime put back: only the ctime shows it
m=$(stat -c %y "$D/2025-08.csv")
sed -i.bak 's/,0\.05/,0.02/' "$D/2025-08.csv" && rm -f "$D/2025-08.csv.bak"
"$PY" - "$D/2025-09.csv" <<'PYEOF'
import os, sys
p = sys.argv[1]
st = os.stat(p)
with open(p, "r+b") as f:
    b = f.read()
    i = b.index(b",0.05")
    f.seek(i)
    f.write(b",0.01")
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
PYEOF
touch -d "$m" "$D/2025-08.csv"
same "changed in place (same size, same mtime)"

# another user that cannot write the directory: summed, nothing kept
rm -f "$S"/samples/*/*.days
chmod 755 "$W"
chmod -R a+rX "$S" "$CONF"
mkdir "$W/nobody"
cp "$LW" "$W/nobody/"
for y in $Y $((Y - 1)); do
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$W/nobody/lakewatch" report -c "$CONF" --year $y --site 长荡湖湖心 \
	    --format json >"$W/nobody.json" 2>"$W/nobody.err"
	check "$y: another user's report exits 0" test $? -eq 0
	rep --year $y --site 长荡湖湖心 --no-cache | sed -n '/^exit/q;p' \
	    >"$W/root.json"
	check "$y: another user's report is the same" cmp "$W/nobody.json" \
	    "$W/root.json"
done
check "no .days written by that user" test -z "$(ls "$S"/samples/*/*.days \
    2>/dev/null)"
same "after a read-only run"

# corrupt .days: each is read as no cache and written anew
"$PY" - "$D" <<'PYEOF'
import os, sys
d = sys.argv[1]
b = open(d + "/2026-03.days", "rb").read()
open(d + "/2026-03.days", "wb").write(b[:len(b) // 2])
b = bytearray(open(d + "/2026-02.days", "rb").read())
b[len(b) // 3] ^= 0x10
open(d + "/2026-02.days", "wb").write(bytes(b))
open(d + "/2026-01.days", "wb").write(os.urandom(5000))
os.unlink(d + "/2025-12.days")
os.symlink("/etc/hostname", d + "/2025-12.days")
b = open(d + "/2026-05.days", "rb").read()
open(d + "/2026-04.days", "wb").write(b)	# another month's
open(d + "/2025-11.days", "wb").write(b"")
PYEOF
same "corrupt .days"
check "the link replaced by a .days, not followed" test ! -L "$D/2025-12.days" \
    -a -f "$D/2025-12.days"
wait_for 10 aged
same "aged again"
before=$(stamp)
same "rebuilt .days warm"
check "rebuilt .days kept" test "$before" = "$(stamp)"

# the timezone and the plausible range are part of what was summed
sed 's/^timezone = .*/timezone = America\/New_York/' "$W/lake.conf" \
    >"$W/ny.conf"
CONF=$W/ny.conf same "another timezone"
sed 's/^cycle = 4h/cycle = 4h\nplausible_max = 0.08/' "$W/lake.conf" \
    >"$W/range.conf"
CONF=$W/range.conf same "a plausible range"
same "back to the first"

# a row outside its month file (an editor): summed row by row
echo "2026-04-10T02:00:00Z,0.7,N,0.7,1" >>"$D/2026-03.csv"
same "a row outside its month file"
finish
