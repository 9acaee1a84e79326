# lakewatch status for a Chinese station: the sensor table lines up on
# a terminal (长荡湖湖心 is 10 columns in 15 bytes, °C 2 in 3), times are
# shown in the station's zone and the header says which, and status -j
# says a stale status with exit 1, as plain status does.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030"
cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
timezone = Asia/Shanghai
[bus a]
host = 127.0.0.1
port = $SIM_PORT
timeout = 300ms
[sensor centre-tp]
bus = a
register = 0
word_order = cdab
status_register = 2
site = 长荡湖湖心
[sensor centre-temp]
bus = a
parameter = temp
register = 3
site = 长荡湖湖心
[sensor intake-tp]
bus = a
unit = 2
register = 0
site = intake
CONF
start_daemon "$W/lw.conf"
st=$W/state/status.json
valued() {	# every sensor has a value in status.json
	"$PY" - "$st" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))["sensors"]
sys.exit(0 if len(s) == 3 and all(x["value"] is not None for x in s)
         else 1)
PYEOF
}
wait_for 15 valued || echo "(not every sensor has a value)"
"$BIN/lakewatch" status -c "$W/lw.conf" >"$W/status.txt"
rc=$?
"$BIN/lakewatch" status -j -c "$W/lw.conf" >"$W/status.json.txt"
rcj=$?
cp "$st" "$W/fresh.json"
stop_daemon
cat "$W/status.txt"
check "status exits 0 while the daemon runs" test "$rc" -eq 0
check "status -j exits 0 while the daemon runs" test "$rcj" -eq 0
check "the sensor table lines up by display width" \
    "$PY" - "$W/status.txt" <<'PYEOF'
import sys, unicodedata

def cols(line):
    """display column -> character (a wide one takes two)"""
    out = []
    for ch in line:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        out += [ch] * w
    return out

lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = next(k for k, l in enumerate(lines) if l.startswith("sensor "))
head = "".join(cols(lines[i]))
starts = [head.index(" " + k + " ") + 1 for k in ("site", "value", "flag")]
starts += [head.index(" time ("), head.index(" alert") + 1]
starts[-2] += 1
rows = []
for l in lines[i + 1:]:
    if not l.strip():
        break
    rows.append(l)
assert len(rows) == 3, rows
assert any("长荡湖湖心" in r for r in rows) and any("°C" in r for r in rows)
for r in rows:
    c = cols(r)
    for s in starts:
        assert s < len(c) and c[s] != " " and c[s - 1] == " ", (s, r)
PYEOF
check "times in the station's zone, named in the header" \
    "$PY" - "$W/status.txt" "$W/fresh.json" <<'PYEOF'
import json, sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
text = open(sys.argv[1], encoding="utf-8").read()
assert "time (Asia/Shanghai)" in text, text
for s in json.load(open(sys.argv[2]))["sensors"]:
    t = datetime.strptime(s["time"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Shanghai"))
    # the status was read a moment before the copy: a second or two off
    hours = {x.strftime("%Y-%m-%d %H:") for x in (t, t - timedelta(0, 5))}
    assert any(r.startswith(s["name"] + " ") and
               any(h in r for h in hours) for r in text.split("\n")), s
PYEOF

# a status an hour old: the daemon is not running; both say so with 1
"$PY" - "$W/fresh.json" "$st" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
j["now"] -= 3600
json.dump(j, open(sys.argv[2], "w"))
PYEOF
"$BIN/lakewatch" status -c "$W/lw.conf" >"$W/stale.txt" 2>&1
rc=$?
"$BIN/lakewatch" status -j -c "$W/lw.conf" >"$W/stale.json" 2>"$W/stale.err"
rcj=$?
cat "$W/stale.err"
check "status exits 1 on a stale status" test "$rc" -eq 1
check "status -j exits 1 on a stale status too" test "$rcj" -eq 1
check "status -j still prints the JSON, the warning on stderr" \
    "$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' \
    "$W/stale.json"
check "status -j says why" grep -q "old: is lakewatchd running" \
    "$W/stale.err"
finish
