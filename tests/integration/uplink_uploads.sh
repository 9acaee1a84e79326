# HJ 212 uploads besides hourly: realtime = 2s (CN=2011, code-Rtd and
# code-Flag of the latest sample of each interval), minute = 1 (CN=2051,
# Avg/Min/Max/Flag of the minute) and daily (CN=2031, a Beijing day).
# Yesterday's samples of centre-tp are seeded in the sample log and the
# daily mark says the day before was the last built: the daemon builds
# yesterday's packet at its start. The minute mark is three minutes back:
# minutes without samples go out flagged B, never as 0. The platform
# checks every packet; this test checks CN, Beijing DataTime and values
# against the sample log.
. "$(dirname "$0")/../lib.sh"

MN=010000A8900016F000169DC0
PLOG=$W/platform.jsonl

count_ge() { plat_count_ge "$PLOG" "$@"; }
# the three missed minutes and one with samples: a daemon that starts in
# the last second of a minute has none in that one, so it flags it B too
# and the minute with samples is the fifth packet
minutes_in() { count_ge 2051 4 && count_ge 2051 1 w21011-Avg; }

start_sim --tp-steps "0.030"
start_platform
uplink_conf "$W/lw.conf" 2s
printf 'realtime = 2s\nminute = 1\n' >>"$W/lw.conf"
check "config is valid" "$BIN/lakewatchd" -t -c "$W/lw.conf"
check "-T prints the uploads" grep -qx "realtime = 2s" \
    <("$BIN/lakewatchd" -T -c "$W/lw.conf")
check "-T prints minute" grep -qx "minute = 1" \
    <("$BIN/lakewatchd" -T -c "$W/lw.conf")
check "-T prints daily on by default" grep -qx "daily = on" \
    <("$BIN/lakewatchd" -T -c "$W/lw.conf")

NOW=$(date +%s)
TODAY=$(( (NOW + 28800) - (NOW + 28800) % 86400 - 28800 ))	# Beijing 0:00
YDAY=$((TODAY - 86400))
MIN0=$((NOW - NOW % 60 - 180))
mkdir -p "$W/state/samples/centre-tp" "$W/state/uplink/prov"
# yesterday: a row every two hours, one in calibration (C: not averaged)
for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
	t=$((YDAY + i * 7200 + 60))
	f=$W/state/samples/centre-tp/$(date -u -d "@$t" +%Y-%m).csv
	[ -s "$f" ] || printf 'time,value,flag,raw,status\n' >"$f"
	if [ "$i" = 5 ]; then flag=C; v=0.900; else flag=N; v=0.0$((20 + i)); fi
	printf '%s,%s,%s,,\n' "$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)" \
	    "$v" "$flag" >>"$f"
done
echo "$YDAY" >"$W/state/uplink/prov/last-2031"
echo "$MIN0" >"$W/state/uplink/prov/last-2051"

start_daemon "$W/lw.conf"
# top -H and ps -L tell the threads apart: the uplink's is up-<name>
# (the main thread keeps its program's name: memcheck-amd64- under valgrind)
threads() { cat /proc/"$DAEMON_PID"/task/*/comm | sort | tr '\n' ' '; }
has_threads() {
	local t
	t=" $(threads)"
	for n in lw-signals lw-poll lw-store lw-notify up-prov; do
		case $t in *" $n "*) ;; *) return 1 ;; esac
	done
}
check "the daemon's threads are named" wait_for 10 has_threads &&
    echo "    threads: $(threads)"
check "yesterday's daily packet arrives" wait_for 30 count_ge 2031 1
check "real-time packets arrive" wait_for 30 count_ge 2011 5
check "the missed minutes and a minute with samples arrive" \
    wait_for 160 minutes_in
stop_daemon
check "the daemon stops cleanly" test "$DAEMON_RC" -eq 0

check "CN, Beijing DataTime, values and flags match the sample log" \
    env PYTHONPATH="$TOP/tests/peers" PYTHONDONTWRITEBYTECODE=1 \
    "$PY" - "$PLOG" "$W/state/samples" "$YDAY" "$MIN0" <<'PYEOF'
import sys
from platlog import records, t_of, sample_log, near, check_stats
recs = records(sys.argv[1])
LOG = sample_log(sys.argv[2])
yday, min0 = int(sys.argv[3]), int(sys.argv[4])

for r in recs:
    if r.get("cn") in ("2011", "2051", "2031"):
        assert r["st"] == "21" and r["flag"] == "5" and r["mn"], r
# daily: yesterday, Beijing midnight, TP from the seeded rows (C left out)
d = [r for r in recs if r.get("cn") == "2031"]
assert len(d) == 1, d
assert d[0]["cp"]["DataTime"].endswith("000000"), d[0]
assert t_of(d[0]["cp"]["DataTime"]) == yday, d[0]
cp = d[0]["cp"]
assert cp["w21011-Flag"] == "N" and near(cp["w21011-Max"], 0.031), cp
assert near(cp["w21011-Min"], 0.020), cp
assert cp["w01010-Flag"] == "B" and "w01010-Avg" not in cp, cp
check_stats(LOG, cp, yday, 86400)
# minute: the missed minutes flagged B (no value), then one with samples
m = [r for r in recs if r.get("cn") == "2051"]
ts = [t_of(r["cp"]["DataTime"]) for r in m]
assert ts[:3] == [min0, min0 + 60, min0 + 120], ts
assert ts == sorted(set(ts)), ts
for r in m[:3]:
    assert r["cp"]["w21011-Flag"] == "B" and "w21011-Avg" not in r["cp"], r
for r, t in zip(m, ts):
    check_stats(LOG, r["cp"], t, 60)
assert any(r["cp"]["w21011-Flag"] == "N" for r in m), m
# real-time: as of the end of each 2 s interval, the latest sample in it
rt = [r for r in recs if r.get("cn") == "2011"]
ts = [t_of(r["cp"]["DataTime"]) for r in rt]
assert all(t % 2 == 0 for t in ts) and ts == sorted(set(ts)), ts
withval = 0
for r, t in zip(rt, ts):
    for code, rs in LOG.items():
        last = [x for x in rs if t - 2 <= x[0] < t]
        cp = r["cp"]
        if not last:
            assert cp[code + "-Flag"] == "B", (code, t, cp)
            assert code + "-Rtd" not in cp, (code, cp)
            continue
        _, v, f = last[-1]
        assert cp[code + "-Flag"] == f, (code, t, cp, last)
        if v != "":
            assert near(cp[code + "-Rtd"], float(v)), (code, t, cp, last)
            withval += 1
assert withval >= 4, rt
print("daily 1, minute", len(m), "realtime", len(rt))
PYEOF
finish
