# HJ 212 uplink: the real daemon polls lwsim and sends CN=2061 packets
# (period 10 s) to tests/peers/platform.py, which checks framing and CRC
# and answers 9014. The platform goes away twice (once with a kill -9 of
# the daemon while packets wait): every period arrives, oldest first.
. "$(dirname "$0")/../lib.sh"

MN=010000A8900016F000169DC0
PLOG=$W/platform.jsonl

# uplink KEY: the first uplink's KEY in status.json
uplink() {
	"$PY" -c 'import json, sys
print(json.load(open(sys.argv[1]))["uplinks"][0][sys.argv[2]])' \
	    "$W/state/status.json" "$1" 2>/dev/null
}
backlog_ge() { [ "$(uplink backlog)" -ge "$1" ]; }
backlog_zero() { [ "$(uplink backlog)" = 0 ]; }
acked_ge() { [ "$(uplink acked)" -ge "$1" ]; }
spool_count() { find "$W/state/uplink/prov" -name '*.pkt' | wc -l; }
packets() { grep -c '"cn": "2061"' "$PLOG" 2>/dev/null; }
packets_ge() { [ "$(packets)" -ge "$1" ]; }

start_sim --tp-steps "0.030"
start_platform
uplink_conf "$W/lw.conf" 1s
check "config is valid" "$BIN/lakewatchd" -t -c "$W/lw.conf"
start_daemon "$W/lw.conf"
# periods from the one running when the uplink starts (no mark yet): a
# daemon slow to start (valgrind) has none for the seconds before
check "the uplink logs what it builds first" \
    wait_for 30 grep -q "uplink 'prov': to .* builds CN=2061 from" "$W/daemon.log"
T0=$(date +%s)
check "two periods arrive" wait_for 40 packets_ge 2
check "status: connected, acked" wait_for 15 acked_ge 2
check "lakewatch status shows the uplink" \
    grep -q "uplink prov: connected" <("$BIN/lakewatch" status -c "$W/lw.conf")
check "no 'does not send' warning" \
    test "$(grep -c 'does not send' "$W/daemon.log")" -eq 0

# outage 1: the platform is gone for two periods and more
kill -TERM "$PLAT_PID"; wait "$PLAT_PID" 2>/dev/null
check "packets wait in the spool" wait_for 40 backlog_ge 2
check "status: not connected, an error" test "$(uplink connected)" = False
start_platform --port "$PLAT_PORT"
check "the backlog goes out" wait_for 90 backlog_zero

# outage 2, and a kill -9 of the daemon while packets wait
kill -TERM "$PLAT_PID"; wait "$PLAT_PID" 2>/dev/null
check "packets wait again" wait_for 40 backlog_ge 2
kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
SPOOLED=$(spool_count)
check "the spool survives kill -9 ($SPOOLED packets)" test "$SPOOLED" -ge 2
start_platform --port "$PLAT_PORT"
start_daemon "$W/lw.conf"
check "the backlog goes out after the restart" wait_for 90 backlog_zero
T1=$(date +%s)
check "the spool is empty" test "$(spool_count)" -eq 0
stop_daemon
check "the daemon stops cleanly" test "$DAEMON_RC" -eq 0

check "every packet framed, CRC right, MN, ST, CN=2061, Flag=5, values" \
    "$PY" - "$PLOG" "$MN" "$T0" "$T1" <<'PYEOF'
import datetime, json, sys
log, mn, t0, t1 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
bj = datetime.timezone(datetime.timedelta(hours=8))
recs = [json.loads(l) for l in open(log, encoding="utf-8")]
pk = [r for r in recs if r.get("cn") == "2061"]
bad = [r for r in recs if not r["ok"] and r["error"] != "closed mid-packet"]
assert not bad, bad
for r in pk:
    assert r["mn"] == mn and r["st"] == "21" and r["flag"] == "5", r
    assert r["pnum"] is None, r
    cp = r["cp"]
    if cp.get("w21011-Flag") == "N":
        assert 0.029 <= float(cp["w21011-Avg"]) <= 0.031, cp
        assert float(cp["w21011-Min"]) <= float(cp["w21011-Max"]), cp
    assert "w01010-Flag" in cp, cp
# every period from the first to the last that ended in time, once
times = []
for r in pk:
    dt = datetime.datetime.strptime(r["cp"]["DataTime"], "%Y%m%d%H%M%S")
    times.append(int(dt.replace(tzinfo=bj).timestamp()))
got = sorted(set(times))
want = list(range(t0 - t0 % 10, t1 - t1 % 10 - 10, 10))
missing = [t for t in want if t not in got]
assert not missing, ("periods lost", missing, got)
assert sum(1 for r in pk if r["cp"].get("w21011-Flag") == "N") >= len(got) - 4
# oldest first: leaving out re-sends, the QNs come in order
seen, order = set(), []
for r in pk:
    if r["qn"] not in seen:
        seen.add(r["qn"])
        order.append(r["qn"])
assert order == sorted(order), order
dups = len(pk) - len(seen)
print("packets", len(pk), "periods", len(got), "duplicates", dups)
assert dups <= 3, dups		# at most one per outage and kill
PYEOF
grep -c '"cn": "2061"' "$PLOG"
finish
