# HJ 212 profiles: one daemon, two uplinks, two platforms (platform.py
# --profile checks each packet's Flag version bits, the MN and CN=3020).
# hj212-2025: Flag=9 on data, Flag=8 on answers (a 1011 request). hj1404:
# 2017 framing, and lwsim's standard check (i12101 state 6, flag C) goes
# out as CN=3020 check results beside each period's device state.
. "$(dirname "$0")/../lib.sh"

MN=010000A8900016F000169DC0
P25=$W/p2025.jsonl
P14=$W/p1404.jsonl
CMDS=$W/commands.jsonl

n_ge() { plat_count_ge "$@"; }

start_sim --tp-steps "0.030" --status-steps "1:4,6:8,1"
PLOG=$P25 start_platform --profile hj212-2025 --commands "$CMDS"
PORT25=$PLAT_PORT
PLOG=$P14 start_platform --profile hj1404
uplink_conf "$W/lw.conf" 2s
sed -i "s/^port = $PLAT_PORT\$/port = $PORT25/" "$W/lw.conf"
echo "protocol = hj212-2025" >>"$W/lw.conf"
uplink_sect "$W/lw.conf" surface "$PLAT_PORT" 2s "protocol = hj1404"
check "config is valid" "$BIN/lakewatchd" -t -c "$W/lw.conf"
check "-T prints both profiles" test "$("$BIN/lakewatchd" -T -c \
    "$W/lw.conf" | grep -c '^protocol = hj\(212-2025\|1404\)$')" -eq 2
start_daemon "$W/lw.conf"
check "hj212-2025: two periods" wait_for 40 n_ge "$P25" 2061 2
echo '{"qn": "20990101000000001", "cn": 1011, "cp": ""}' >>"$CMDS"
check "hj212-2025: the 1011 request answered" \
    wait_for 20 n_ge "$P25" 9012 1
check "hj1404: two periods" wait_for 40 n_ge "$P14" 2061 2
check "hj1404: a check result" wait_for 40 n_ge "$P14" 3020 1 w21011-Rtd
check "hj1404: device states" wait_for 20 n_ge "$P14" 3020 2 i12101-Info
stop_daemon
check "the daemon stops cleanly" test "$DAEMON_RC" -eq 0

check "every packet passes its profile; flags, check results, states" \
    "$PY" - "$P25" "$P14" "$W/state/samples" <<'PYEOF'
import csv, datetime, glob, json, os, sys
p25, p14, samples = sys.argv[1:4]
bj = datetime.timezone(datetime.timedelta(hours=8))
def load(p):
    return [json.loads(l) for l in open(p, encoding="utf-8")]
a, b = load(p25), load(p14)
bad = [r for r in a + b if not r["ok"]]
assert not bad, bad
got = lambda rs: [r for r in rs if not r.get("sent")]
# hj212-2025: data with Flag 9 (answered), answers with Flag 8
for r in got(a):
    want = "9" if r["cn"] in ("2061", "2031") else "8"
    assert r["flag"] == want, r
assert [r["cn"] for r in got(a) if r["qn"] == "20990101000000001"] == \
    ["9011", "1011", "9012"], a
assert not [r for r in got(a) if r["cn"] == "3020"], a
# hj1404: Flag 5 everywhere; check results match flag C rows of the log
for r in got(b):
    assert r["flag"] == "5" and r["st"] == "21", r
rows = {}
for path in glob.glob(os.path.join(samples, "centre-tp", "*.csv")):
    for x in csv.DictReader(open(path)):
        t = datetime.datetime.strptime(x["time"], "%Y-%m-%dT%H:%M:%SZ")
        rows[int(t.replace(tzinfo=datetime.timezone.utc).timestamp())] = x
qc = [r for r in got(b) if r["cn"] == "3020" and "w21011-Rtd" in r["cp"]]
assert qc
for r in qc:
    cp = r["cp"]
    t = datetime.datetime.strptime(cp["DataTime"], "%Y%m%d%H%M%S")
    t = int(t.replace(tzinfo=bj).timestamp())
    assert cp["PolId"] == "w21011" and cp["w21011-Flag"] == "C", cp
    assert cp["i12101-Info"] == "5", cp
    assert rows[t]["flag"] == "C", (cp, rows.get(t))
    assert abs(float(cp["w21011-Rtd"]) - float(rows[t]["value"])) < 5e-4
st = [r["cp"] for r in got(b) if r["cn"] == "3020" and
      "w21011-Rtd" not in r["cp"]]
assert {c["PolId"] for c in st} == {"w21011", "w01010"}, st
assert {c["i12101-Info"] for c in st} <= {"1", "5"}, st
print("2025:", len(got(a)), "packets; 1404:", len(qc), "check results,",
      len(st), "states")
PYEOF
finish
