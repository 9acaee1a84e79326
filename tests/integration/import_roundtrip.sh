# `lakewatch import`: the fixture's TP log exported as a CSV (some times
# in local 'YYYY-MM-DD HH:MM', rows reversed) and imported into an empty
# state gives the same report; importing again changes nothing; bad rows
# are rejected with file:line and nothing is written; rows older than the
# RRD's last update go to the sample log only, and the tool says so.
. "$(dirname "$0")/../lib.sh"

Y=2026
"$PY" "$TOP/tests/fixtures/gen_year.py" "$W/a" $Y --write-conf "$W/a.conf" ||
    die "fixture generator failed"
sed "s#^state_dir = .*#state_dir = $W/b#" "$W/a.conf" >"$W/b.conf"
LW="$BIN/lakewatch"
not() { ! "$@"; }

"$PY" - "$W/a/samples/centre-tp" "$W/tp.csv" <<'PYEOF'
import datetime as dt, glob, os, sys
rows = []
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.csv"))):
    rows += [l.rstrip("\n").split(",")[:3] for l in open(f)][1:]
bj = dt.timezone(dt.timedelta(hours=8))
with open(sys.argv[2], "w") as out:
    out.write("time,value,flag\n")
    for i, (t, v, f) in enumerate(reversed(rows)):
        if i % 3 == 0:	# local time, flag N left out where it is N
            t = dt.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=dt.timezone.utc).astimezone(bj).strftime(
                "%Y-%m-%d %H:%M")
            out.write("%s,%s%s\n" % (t, v, "" if f == "N" else "," + f))
        else:
            out.write("%s,%s,%s\n" % (t, v, f))
print(len(rows))
PYEOF
NROWS=$(($(wc -l <"$W/tp.csv") - 1))

"$LW" import -c "$W/b.conf" centre-tp "$W/tp.csv" >"$W/imp1.out" 2>&1
check "import exits 0" test $? -eq 0
cat "$W/imp1.out"
check "all $NROWS rows new" grep -q "^centre-tp: $NROWS rows in .*: $NROWS new, 0 already" \
    "$W/imp1.out"
check "RRD rows written, flagged ones as UNKNOWN" grep -q \
    "^RRD .*centre-tp.rrd: $NROWS rows written ([0-9]* flagged, as UNKNOWN)" \
    "$W/imp1.out"

for who in a b; do
	"$LW" report -c "$W/$who.conf" --sensor centre-tp --year $Y \
	    --format json >"$W/$who.json"
done
check "the imported log reports as the original" "$PY" - "$W/a.json" \
    "$W/b.json" <<'PYEOF'
import json, sys
a, b = (json.load(open(f, encoding="utf-8")) for f in sys.argv[1:3])
assert a["months"] == b["months"], (a["months"], b["months"])
assert a["cumulative"] == b["cumulative"], (a["cumulative"], b["cumulative"])
assert b["cumulative"]["mean"] == 0.054 and b["cumulative"]["yoy_pct"] == -28.0
PYEOF
check "the RRD holds May's 0.08" sh -c "rrdtool fetch '$W/b/rrd/centre-tp.rrd' \
    AVERAGE -r 3600 -s $(date -d '2026-05-10 12:00Z' +%s) \
    -e $(date -d '2026-05-10 18:00Z' +%s) | awk -F': ' 'NF == 2 && \
    \$2 + 0 > 0.075 && \$2 + 0 < 0.09 { f = 1 } END { exit !f }'"

sums() { md5sum "$W"/b/samples/centre-tp/*.csv "$W/b/rrd/centre-tp.rrd"; }
sums >"$W/sums.1"
"$LW" import -c "$W/b.conf" centre-tp "$W/tp.csv" >"$W/imp2.out" 2>&1
check "re-import exits 0" test $? -eq 0
check "re-import: every row already there" grep -q \
    ": 0 new, $NROWS already in the sample log" "$W/imp2.out"
sums >"$W/sums.2"
check "re-import changed no file" cmp -s "$W/sums.1" "$W/sums.2"

cat >"$W/bad.csv" <<'EOF'
time,value,flag
2026-06-02 08:00,0.041
2026-06-02T04:00:00,0.043
2026-13-02 08:00,0.05
2026-06-03 08:00,abc
2026-06-03 12:00,0.04,X
2026-06-03 16:00,-0.01
2026-06-03 20:00,,N
2099-01-01 00:00,0.04
2026-06-02 08:00,0.042
2026-06-04 08:00
EOF
"$LW" import -c "$W/b.conf" centre-tp "$W/bad.csv" >"$W/bad.out" 2>"$W/bad.err"
check "bad rows: exit 1" test $? -eq 1
cat "$W/bad.err"
for n in 3 4 5 6 7 8 9 10 11; do
	check "bad.csv:$n rejected" grep -q "bad.csv:$n: " "$W/bad.err"
done
check "bad.csv:2 is fine" not grep -q "bad.csv:2: " "$W/bad.err"
check "says nothing imported" grep -q "9 bad rows: nothing imported" \
    "$W/bad.err"
sums >"$W/sums.3"
check "bad rows: no file changed" cmp -s "$W/sums.1" "$W/sums.3"

LAST=$(rrdtool last "$W/b/rrd/centre-tp.rrd")
LASTZ=$(date -u -d "@$LAST" +%Y-%m-%dT%H:%M:%SZ)
printf '2026-03-09 03:00,0.031\n2026-06-02 08:00,0.041\n' >"$W/late.csv"
"$LW" import -n -c "$W/b.conf" centre-tp "$W/late.csv" >"$W/dry.out" 2>&1
check "-n exits 0" test $? -eq 0
check "-n says what would happen" grep -q "centre-tp.rrd: 1 row would go in" \
    "$W/dry.out"
sums >"$W/sums.4"
check "-n writes nothing" cmp -s "$W/sums.1" "$W/sums.4"
"$LW" import -c "$W/b.conf" centre-tp "$W/late.csv" >"$W/late.out" 2>&1
check "late rows exit 0" test $? -eq 0
cat "$W/late.out"
check "1 row to the RRD" grep -q "centre-tp.rrd: 1 row written" "$W/late.out"
check "1 row older than the RRD's last update $LASTZ" grep -q \
    "1 row not written: older than the RRD's last update $LASTZ" \
    "$W/late.out"
check "the March row is in the sample log" grep -q \
    '^2026-03-08T19:00:00Z,0.031,N,,0$' "$W/b/samples/centre-tp/2026-03.csv"
check "the June row is in a new month file" grep -q \
    '^2026-06-02T00:00:00Z,0.041,N,,0$' "$W/b/samples/centre-tp/2026-06.csv"
check "the June file has the header" test "$(head -n 1 \
    "$W/b/samples/centre-tp/2026-06.csv")" = "time,value,flag,raw,status"

"$LW" import -c "$W/b.conf" nosuch "$W/late.csv" >/dev/null 2>&1
check "unknown sensor exits 1" test $? -eq 1
"$LW" import -c "$W/b.conf" centre-tp >/dev/null 2>&1
check "missing file argument exits 64 (EX_USAGE)" test $? -eq 64

if can_valgrind; then
	printf '2026-06-05 08:00,0.041\n2026-06-05 12:00,0.05,M\n' >"$W/vg.csv"
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
	    --error-exitcode=99 "$LW" import -c "$W/b.conf" centre-tp \
	    "$W/vg.csv" >/dev/null 2>"$W/vg.log"
	check "valgrind: import clean" test $? -eq 0
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
	    --error-exitcode=99 "$LW" import -c "$W/b.conf" centre-tp \
	    "$W/bad.csv" >/dev/null 2>>"$W/vg.log"
	check "valgrind: import of bad rows clean" test $? -eq 1
	cat "$W/vg.log"
fi
finish
