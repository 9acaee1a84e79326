# The cumulative alert and `lakewatch report` agree (issue 12, item 10):
# both judge the year to date by one copy of the month rules
# (lib/monthrule.h), from the same sums of the sample log. The daemon and
# the report run on 2025-06-10 12:00 Beijing time (tests/sim/clockshift.c).
#
# centre-tp (continuous, a result every 4 h: a day needs 4 of 6):
# Jan, Feb 0.040; March 0.200 on 20 of 31 days (invalid: 21 needed);
# April 0.085 on 20 of 30 days (valid at the boundary); May 0.045; June
# 1-9 0.045 and the daemon's readings of 0.045. lab-tp (sampling =
# manual): one result a month, 0.040 through March, 0.090 on 15 April,
# 0.050 on 1 May 00:00, 0.045 on 1 June 00:00. April is imported last
# (a backfill): its rows are appended to the UTC month file that already
# holds 1 May 00:00-08:00 Beijing time, after them. The report counts
# April: year-to-date means 0.051 (5 months) and 0.051 (6 months), over
# the lake TP limit 0.05. The old daemon read the log in file order and
# dropped April's rows as "a clock stepped back": 0.0425 and 0.043, no
# alert. stamp-tp (manual, the instrument's time register): 0.060 each
# month through April, 0.080 on 5 June, and the daemon's one reading of
# 0.045 measured on 31 May 23:00 (the simulator's clock): the log and the
# report put it in May, 0.061 over 6 months; the old daemon put it in
# June, by the poll's time, and counted it twice (the rows it read back
# went to the reading's time, not before): 0.058. Now each sensor's one
# `cumulative` firing carries the report's year-to-date mean; rows
# imported while the daemon runs count from its next local day.
. "$(dirname "$0")/../lib.sh"

SHIM=$BIN/tests/clockshift.so
[ -f "$SHIM" ] || die "$SHIM missing: make tests"
LW=$BIN/lakewatch
OFF=$W/clock.offset
# 2025-06-10 12:00 Beijing time
echo $((1749528000 - $(date +%s))) >"$OFF"
SHIFT="env LD_PRELOAD=$SHIM LW_CLOCK_OFFSET_FILE=$OFF \
    ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0"
# the simulator's clock: 2025-05-31 23:00 Beijing time, its tp result's
echo $((1748703600 - $(date +%s))) >"$W/sim.offset"
bg sim env LD_PRELOAD="$SHIM" LW_CLOCK_OFFSET_FILE="$W/sim.offset" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
    "$BIN/lwsim" --tcp 127.0.0.1:0 --port-file "$W/sim.port" \
    --tp-steps "0.045"
wait_for 10 test -s "$W/sim.port" || die "lwsim did not start"
SIM_PORT=$(head -n 1 "$W/sim.port")
start_receiver
cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
timezone = Asia/Shanghai
[bus station]
host = 127.0.0.1
port = $SIM_PORT
timeout = 300ms
backoff_max = 1s
[sensor centre-tp]
bus = station
unit = 1
register = 0
word_order = cdab
water_body = lake
cycle = 4h
crit = 1
[sensor lab-tp]
bus = station
unit = 1
register = 0
word_order = cdab
water_body = lake
sampling = manual
crit = 1
[sensor stamp-tp]
bus = station
unit = 1
register = 0
word_order = cdab
time_register = 5
time_type = unix32
water_body = lake
sampling = manual
crit = 1
[webhook test]
url = $HOOK_URL
CONF
cd "$W" || die "cd"

"$PY" - "$W" <<'PYEOF'
import sys
w = sys.argv[1]
def days(m, n, v):
    return ["2025-%02d-%02d %02d:00,%.3f,N" % (m, d, h, v)
            for d in range(1, n + 1) for h in range(0, 24, 4)]
main = days(1, 31, 0.04) + days(2, 28, 0.04) + days(3, 20, 0.2) + \
    days(5, 31, 0.045) + days(6, 9, 0.045)
lab = ["2025-01-15 10:00,0.040,N", "2025-02-15 10:00,0.040,N",
       "2025-03-15 10:00,0.040,N", "2025-05-01 00:00,0.050,N",
       "2025-06-01 00:00,0.045,N"]
stamp = ["2025-%02d-15 10:00,0.060,N" % m for m in range(1, 5)] + \
    ["2025-06-05 10:00,0.080,N"]
for name, rows in (("centre", main), ("centre-apr", days(4, 20, 0.085)),
                   ("lab", lab), ("lab-apr", ["2025-04-15 10:00,0.090,N"]),
                   ("stamp", stamp)):
    with open("%s/%s.csv" % (w, name), "w") as f:
        f.write("time,value,flag\n" + "\n".join(rows) + "\n")
PYEOF
for s in centre lab; do
	check "$s-tp: the year but April imported" \
	    "$LW" import -c "$W/lw.conf" "$s-tp" "$W/$s.csv"
	check "$s-tp: April imported after (a backfill)" \
	    "$LW" import -c "$W/lw.conf" "$s-tp" "$W/$s-apr.csv"
done
check "stamp-tp: its months imported" \
    "$LW" import -c "$W/lw.conf" stamp-tp "$W/stamp.csv"
check "April rows follow 1 May's in the UTC April file" \
    "$PY" - "$W/state/samples" <<'PYEOF'
import sys
for s in ("centre-tp", "lab-tp"):
    t = [l.split(",")[0] for l in open(sys.argv[1] + "/" + s + "/2025-04.csv")
         if l[0].isdigit()]
    print(s, t[0], t[-1])
    assert t[0] == "2025-04-30T16:00:00Z" and t[-1] < t[0], (t[0], t[-1])
PYEOF

WRAP="$SHIFT ${WRAP:-}" start_daemon "$W/lw.conf"
for s in centre lab stamp; do
	wait_for 30 events_ge firing 1 "$s-tp:cumulative"
	check "$s-tp: cumulative fired" \
	    test "$(events firing "$s-tp:cumulative")" -ge 1
done
# the report, the daemon running (at 10 June)
for s in centre lab stamp; do
	$SHIFT "$LW" report -c "$W/lw.conf" --sensor "$s-tp" --year 2025 \
	    --format json >"$W/$s.json"
done
# rows imported while the daemon runs count from its next local day:
# April 21-30 at 0.000 (April 0.0567) bring centre-tp's year to date to
# 0.045; the clock steps to 11 June and the alert resolves
"$PY" - "$W/late.csv" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("time,value,flag\n")
    for d in range(21, 31):
        for h in range(0, 24, 4):
            f.write("2025-04-%02d %02d:00,0.000,N\n" % (d, h))
PYEOF
check "centre-tp: the rest of April imported, the daemon running" \
    "$LW" import -c "$W/lw.conf" centre-tp "$W/late.csv"
echo $((1749528000 + 86400 - $(date +%s))) >"$OFF"
wait_for 30 events_ge resolved 1 centre-tp:cumulative
check "centre-tp: cumulative resolved on the next day" \
    test "$(events resolved centre-tp:cumulative)" -eq 1
stop_daemon
check "exit 0" test "$DAEMON_RC" -eq 0
check "the daemon kept the .days of the months it read" \
    test -s "$W/state/samples/centre-tp/2025-03.days"

check "each alert's value is the report's year-to-date mean" \
    "$PY" - "$HOOK_LOG" "$W" <<'PYEOF'
import json, sys
ev = {}
for line in open(sys.argv[1], encoding="utf-8"):
    b = json.loads(line).get("body")
    if isinstance(b, dict) and b.get("kind") == "cumulative":
        ev.setdefault(b["event_id"], b)
bad = []
for s, k, v in (("centre", 5, 0.051), ("lab", 6, 0.051),
                ("stamp", 6, 0.061)):
    y = json.load(open("%s/%s.json" % (sys.argv[2], s)))["ytd"]
    b = ev.get(s + "-tp:cumulative:1")
    print(s, y, b and (b["status"], b["value"]))
    if y["months_used"] != k or y["current_month"] != "2025-06" or \
            abs(y["mean"] - v) > 1e-9:
        bad.append((s, "report", y))
    if b is None or b["status"] != "firing" or b["limit"] != 0.05 or \
            abs(b["value"] - y["mean"]) > 1e-9:
        bad.append((s, "alert", b and b["value"], "report", y["mean"]))
assert not bad, bad
PYEOF
$SHIFT "$LW" report -c "$W/lw.conf" --sensor centre-tp --year 2025 \
    --format json >"$W/centre2.json"
check "the resolved alert's value is the report's year-to-date mean" \
    "$PY" - "$HOOK_LOG" "$W/centre2.json" <<'PYEOF'
import json, sys
y = json.load(open(sys.argv[2]))["ytd"]
for line in open(sys.argv[1], encoding="utf-8"):
    b = json.loads(line).get("body")
    if isinstance(b, dict) and b.get("event_id") == "centre-tp:cumulative:2":
        break
else:
    raise SystemExit("no centre-tp:cumulative:2")
print(y, b["status"], b["value"])
assert b["status"] == "resolved" and abs(b["value"] - 0.045) < 1e-9, b
assert abs(y["mean"] - b["value"]) < 1e-9, (y, b)
PYEOF
check "stamp-tp: its reading logged at its measurement time, in May" \
    grep -q "^2025-05-31T15:00:0.Z,0.045,N" \
    "$W/state/samples/stamp-tp/2025-05.csv"
check "no threshold alert (crit = 1)" \
    test "$(events firing centre-tp:threshold)" -eq 0
grep -E "cumulative|year to date" "$W/daemon.log"
finish
