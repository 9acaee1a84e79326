# The cumulative alert (issue 12, item 10) end to end: this year's
# months before the current one imported at 0.049 mg/L (each meets lake
# TP Class III, 0.05; the year to date sits just under the limit), then
# the daemon reads 0.082 for 20 s: the month in progress pulls the
# projected year-to-date mean over 0.05, and the receiver gets one
# `cumulative` firing; 0.01 afterwards brings it back: one resolved.
# The threshold rule is kept quiet (crit = 1): only cumulative speaks.
# `lakewatch report` gives the same year-to-date figures (ytd).
. "$(dirname "$0")/../lib.sh"

LW="$BIN/lakewatch"
start_sim --tp-steps "0.082:20,0.01"
start_receiver
station_conf "$W/lw.conf" "host = 127.0.0.1" "port = $SIM_PORT" \
    "timeout = 300ms" "backoff_max = 1s"
# centre-tp: one sample makes a day (the history has one a day)
sed -i 's/^\[sensor centre-tp\]$/&\nday_min_fraction = 0\ncrit = 1/' \
    "$W/lw.conf"
cd "$W" || die "cd"

# this year's completed months (Beijing time), one result a day
read -r Y CUR <<<"$(TZ=Asia/Shanghai date +'%Y %-m')"
K=$((CUR - 1))
"$PY" - "$Y" "$K" "$W/hist.csv" <<'PYEOF'
import calendar, sys
y, k = int(sys.argv[1]), int(sys.argv[2])
with open(sys.argv[3], "w") as out:
    out.write("time,value,flag\n")
    for m in range(1, k + 1):
        for d in range(1, calendar.monthrange(y, m)[1] + 1):
            out.write("%d-%02d-%02d 12:00,0.049,N\n" % (y, m, d))
PYEOF
if [ "$K" -gt 0 ]; then
	check "history imported" "$LW" import -c "$W/lw.conf" centre-tp \
	    "$W/hist.csv"
	"$LW" report -c "$W/lw.conf" --sensor centre-tp --year "$Y" \
	    --format json >"$W/before.json"
	check "report before: ytd over the $K months, the required mean" \
	    "$PY" - "$W/before.json" "$K" <<'PYEOF'
import json, math, sys
y = json.load(open(sys.argv[1]))["ytd"]
k = int(sys.argv[2])
print(y)
req = math.floor((12 * 0.05 - k * 0.049) / (12 - k) * 1000 + 1e-6) / 1000
assert y["months_used"] == k and y["remaining_months"] == 12 - k, y
assert abs(y["mean"] - 0.049) < 1e-9 and y["reachable"] is True, y
assert abs(y["required_mean"] - req) < 1e-9, (y, req)
assert y["current_month"] is None, y
PYEOF
fi

start_daemon "$W/lw.conf"
wait_for 30 events_ge firing 1 centre-tp:cumulative
check "cumulative fired" test "$(events firing centre-tp:cumulative)" -eq 1
wait_for 60 events_ge resolved 1 centre-tp:cumulative
check "cumulative resolved" \
    test "$(events resolved centre-tp:cumulative)" -eq 1
check "the firing event: kind, mean over the limit, Class IV" \
    "$PY" - "$HOOK_LOG" <<'PYEOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    b = json.loads(line).get("body")
    if isinstance(b, dict) and b.get("event_id") == "centre-tp:cumulative:1":
        print(b)
        assert b["kind"] == "cumulative" and b["status"] == "firing", b
        assert b["value"] > 0.05 and b["limit"] == 0.05, b
        assert b["class"] == "IV" and b["severity"] == "warning", b
        assert "year-to-date mean" in b["message"], b
        break
else:
    raise SystemExit("no centre-tp:cumulative:1")
PYEOF
check "no threshold alert (crit = 1)" \
    test "$(events firing centre-tp:threshold)" -eq 0
check "no cumulative alert of intake-tp (it never crossed)" \
    test "$(events firing intake-tp:cumulative)" -eq 0
stop_daemon
check "exit 0" test "$DAEMON_RC" -eq 0

"$LW" report -c "$W/lw.conf" --sensor centre-tp --year "$Y" \
    --format json >"$W/after.json"
check "report after: the month in progress counted" \
    "$PY" - "$W/after.json" "$K" "$Y-$(printf %02d "$CUR")" <<'PYEOF'
import json, sys
y = json.load(open(sys.argv[1]))["ytd"]
k = int(sys.argv[2])
print(y)
assert y["months_used"] == k + 1 and y["remaining_months"] == 11 - k, y
assert y["current_month"] == sys.argv[3], y
assert 0.049 <= y["mean"] <= 0.0505, y
PYEOF
"$LW" report -c "$W/lw.conf" --sensor centre-tp --year "$Y" >"$W/after.txt"
check "text report: the year-to-date line" grep -q \
    "^year to date $Y: mean 0.0[0-9]* mg/L over $((K + 1)) month" "$W/after.txt"
"$LW" report -c "$W/lw.conf" --sensor centre-tp --year "$Y" \
    --format csv >"$W/after.csv"
check "csv report: the ytd row" grep -q "^$Y ytd,0.0" "$W/after.csv"
grep -E "cumulative|year to date" "$W/daemon.log" "$W/after.txt" "$W/after.csv"
finish
