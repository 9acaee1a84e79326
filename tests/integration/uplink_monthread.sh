# The uplink reads only the rows of the period it builds, not the month
# (daemon/uplink.c through lib/samplelog_idx.c). The month file of
# centre-tp is seeded with two hours of rows before the daemon starts:
# a line torn by a crash among them and a clock stepped back 10 minutes
# (rows of those minutes twice, far apart in the file). The hour's mark
# says the periods since 70 minutes ago are to be built: the daemon
# builds them at its start, then one every 10 s. A build that parsed the
# month again would name the torn line again at each period (it did);
# read once, it is named once by the uplink, and once by the start-up
# read of daemon/cumul.c (the year-to-date mean, at the first reading).
# Every packet is checked against the sample log read whole.
. "$(dirname "$0")/../lib.sh"

MN=010000A8900016F000169DC0
PLOG=$W/platform.jsonl

count() {
	"$PY" -c 'import json, sys
print(sum(1 for r in map(json.loads, open(sys.argv[1]))
    if r.get("cn") == sys.argv[2] and not r.get("sent")))' "$PLOG" "$1" \
	    2>/dev/null || echo 0
}
count_ge() { [ "$(count "$1")" -ge "$2" ]; }

start_sim --tp-steps "0.030"
start_platform
uplink_conf "$W/lw.conf" 2s
mkdir -p "$W/state/samples/centre-tp"
NOW=$(date +%s)
MONTH=$(date -u -d "@$NOW" +%Y-%m)
"$PY" - "$W/state/samples/centre-tp" "$NOW" <<'PYEOF'
import os, sys, time
d, now = sys.argv[1], int(sys.argv[2])
def put(t, line):
    f = os.path.join(d, time.strftime("%Y-%m.csv", time.gmtime(t)))
    new = not os.path.exists(f)
    with open(f, "a") as fp:
        if new:
            fp.write("time,value,flag,raw,status\n")
        fp.write(line)
def row(t, k):
    put(t, "%s,%.3f,N,,1\n" % (time.strftime("%Y-%m-%dT%H:%M:%SZ",
        time.gmtime(t)), 0.02 + (k % 50) * 0.001))
t0 = now - 7200
for k, t in enumerate(range(t0, t0 + 3600, 2)):
    row(t, k)
for k, t in enumerate(range(t0 + 3000, now - 600, 2)):	# stepped back
    row(t, k)
put(now - 600, time.strftime("%Y-%m-%dT%H:%M", time.gmtime(now)) + "\n")
PYEOF
MARK=$((NOW - NOW % 10 - 4200))
mkdir -p "$W/state/uplink/prov"
echo "$MARK" >"$W/state/uplink/prov/last"
WANT=$(( (NOW - MARK) / 10 + 3 ))

start_daemon "$W/lw.conf"
check "the periods since the mark and three more arrive" \
    wait_for 90 count_ge 2061 "$WANT"

stop_daemon
check "the daemon stops cleanly" test "$DAEMON_RC" -eq 0
n=$(grep -c "centre-tp/$MONTH.csv: 1 line skipped" "$W/daemon.log")
echo "torn line named $n times"
grep "line skipped" "$W/daemon.log"
if [ "$(date -u +%Y-%m)" = "$MONTH" ]; then
	check "the torn line is named once by the uplink, not at every build" \
	    test "$n" -le 2
fi

check "values and flags match the sample log read whole" \
    "$PY" - "$PLOG" "$W/state/samples" "$WANT" <<'PYEOF'
import csv, datetime, glob, json, os, sys
log, samples = sys.argv[1], sys.argv[2]
bj = datetime.timezone(datetime.timedelta(hours=8))
recs = [json.loads(l) for l in open(log, encoding="utf-8")]
assert not [r for r in recs if not r["ok"]], recs

def rows(sensor):
    out = []
    for path in sorted(glob.glob(os.path.join(samples, sensor, "*.csv"))):
        for r in csv.reader(open(path)):
            try:
                t = datetime.datetime.strptime(r[0], "%Y-%m-%dT%H:%M:%SZ")
                float(r[1])
            except (ValueError, IndexError):
                continue
            t = int(t.replace(tzinfo=datetime.timezone.utc).timestamp())
            out.append((t, float(r[1]), r[2]))
    return out

LOG = {"w21011": rows("centre-tp"), "w01010": rows("centre-temp")}

def near(s, want):
    d = len(s.split(".")[1]) if "." in s else 0
    return abs(float(s) - want) <= 0.5 * 10 ** -d + 1e-9

n = 0
for r in recs:
    if r.get("cn") != "2061" or r.get("sent"):
        continue
    cp = r["cp"]
    d = datetime.datetime.strptime(cp["DataTime"], "%Y%m%d%H%M%S")
    start = int(d.replace(tzinfo=bj).timestamp())
    for code, rs in LOG.items():
        v = [x for t, x, f in rs if start <= t < start + 10 and f == "N"]
        if not v:
            assert cp[code + "-Flag"] != "N", (code, cp)
            continue
        assert cp[code + "-Flag"] == "N", (code, cp)
        for k, want in (("Avg", sum(v) / len(v)), ("Min", min(v)),
                        ("Max", max(v))):
            assert near(cp["%s-%s" % (code, k)], want), (code, k, cp, v)
    n += 1
assert n >= int(sys.argv[3]), n
PYEOF
finish
