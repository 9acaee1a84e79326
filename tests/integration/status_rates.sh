# issue 12, item 8: today's capture and validity rates (数据获取率, 有效率)
# per sensor in status.json (`today`) and `lakewatch status`: a sensor
# that answers (every poll a valid N row), one on a bus nobody listens
# on (B rows: nothing obtained, 0 %), and a lab sensor (sampling =
# manual: no expected count, n/a). Expected counts run from local
# midnight, or from the daemon's start when it started later (`since`).
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030"
DEAD=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1]); s.close()')
cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
timezone = Asia/Shanghai
[bus a]
host = 127.0.0.1
port = $SIM_PORT
timeout = 300ms
[bus dead]
host = 127.0.0.1
port = $DEAD
timeout = 200ms
[sensor centre-tp]
bus = a
register = 0
word_order = cdab
status_register = 2
site = 长荡湖湖心
[sensor dead-tp]
bus = dead
register = 0
site = 长荡湖湖心
[sensor lab-tp]
bus = a
register = 0
word_order = cdab
site = 长荡湖湖心
sampling = manual
CONF
start_daemon "$W/lw.conf"
st=$W/state/status.json
counted() {	# centre-tp obtained 3 rows today, dead-tp tried 3 polls
	"$PY" - "$st" <<'PYEOF'
import json, sys
s = {x["name"]: x for x in json.load(open(sys.argv[1]))["sensors"]}
sys.exit(0 if s["centre-tp"]["today"]["obtained"] >= 3 and
         s["dead-tp"]["today"]["expected"] >= 3 else 1)
PYEOF
}
wait_for 20 counted || echo "(no counts in status.json)"
"$BIN/lakewatch" status -c "$W/lw.conf" >"$W/status.txt"
cp "$st" "$W/fresh.json"
stop_daemon
cat "$W/status.txt"
check "status.json: today per sensor" "$PY" - "$W/fresh.json" <<'PYEOF'
import json, sys
from datetime import datetime, timezone, timedelta
j = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in j["sensors"]}
for x in s.values():
    assert set(x["today"]) == {"since", "expected", "obtained", "valid",
                               "capture_rate", "valid_rate"}, x
t = s["centre-tp"]["today"]
e, o = t["expected"], t["obtained"]
assert e >= 3 and 0 < o <= e + 1, t
assert t["valid"] == o, t		# lwsim's rows are N
assert t["capture_rate"] == round(100 * min(o, e) / e, 1), t
assert t["capture_rate"] >= 20, t	# since the start, not midnight
d = s["dead-tp"]["today"]
assert d["obtained"] == 0 and d["valid"] == 0, d
assert d["capture_rate"] == 0 and d["valid_rate"] == 0, d
m = s["lab-tp"]["today"]
assert m["expected"] is None and m["capture_rate"] is None, m
assert m["valid_rate"] is None and m["obtained"] >= 1, m
# since: the daemon's start (later than Beijing midnight)
since = datetime.strptime(t["since"], "%Y-%m-%dT%H:%M:%SZ").replace(
    tzinfo=timezone.utc)
bj = datetime.fromtimestamp(j["now"], timezone(timedelta(hours=8)))
midnight = bj.replace(hour=0, minute=0, second=0, microsecond=0)
assert midnight <= since <= bj, (since, bj)
assert abs(since.timestamp() - j["started"]) < 2, (since, j["started"])
PYEOF
check "status: today's rates column" grep -qE \
    "^centre-tp .* [0-9.]+/[0-9.]+% +ok$" "$W/status.txt"
check "status: a dead bus at 0 %" grep -qE \
    "^dead-tp .* 0\.0/0\.0% +(ok|FIRING)$" "$W/status.txt"
check "status: manual sampling n/a" grep -qE "^lab-tp .* n/a +ok$" \
    "$W/status.txt"
check "status: the header names the column" grep -q "today capt/val" \
    "$W/status.txt"
finish
