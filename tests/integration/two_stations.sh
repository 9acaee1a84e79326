# Two stations on loopback, everything a province would run: two
# daemons (stations lake-a and lake-b, each polling an lwsim of its own)
# writing to one central rrdcached over TCP, posting to one peered
# Alertmanager pair and sending HJ 212 CN=2061 packets (period 10 s) to
# one platform simulator. Faults: Alertmanager am1 killed while lake-a's
# threshold alert fires; the platform away 30 s; lake-b killed -9 while
# its backlog drains (the platform answers 1 s late, so a packet is in
# flight). Checked: the alert lands once in the surviving am2 and is
# resolved there; every period of both stations reaches the platform,
# oldest first, a re-send only with the same QN (figures printed: sent,
# acked, re-sent, lost); every reading in each station's sample log is in
# the central RRDs, read back through rrdcached as another host would.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/store_lib.sh"
. "$TOP/tests/notify_lib.sh"

PLOG=$W/platform.jsonl
BASE=$W/central
RRDC_PORT=$(free_port)
MN_A=010000A8900016F000169DA0
MN_B=010000A8900016F000169DB0

# station NAME MN TP-STEPS: an lwsim for NAME and $W/NAME/lw.conf
# (lib.sh's uplink_conf: centre-tp and centre-temp every second, [uplink
# prov] every 10 s) with the central rrdcached, the station name and the
# Alertmanager pair
station() {
	start_sim --tp-steps "$3"
	mkdir -p "$W/$1"
	MN=$2 uplink_conf "$W/$1/lw.conf" 3s
	sed -i "/^\[daemon\]/a store_batch = 0\nrrdcached = 127.0.0.1:$RRDC_PORT\nstation = $1" \
	    "$W/$1/lw.conf"
	am_webhook "$W/$1/lw.conf"
}

# up STATION KEY: its uplink's KEY in its status.json
up() {
	"$PY" -c 'import json, sys
print(json.load(open(sys.argv[1]))["uplinks"][0][sys.argv[2]])' \
	    "$W/$1/state/status.json" "$2" 2>/dev/null
}
up_ge() { [ "$(up "$1" "$2")" -ge "$3" ]; }
spool_n() { find "$W/$1/state/uplink/prov" -name '*.pkt' | wc -l; }
# got MN FROM: CN=2061 packets from MN in the platform's log after line FROM
got() {
	tail -n +"$(($2 + 1))" "$PLOG" 2>/dev/null |
	    grep '"cn": "2061"' | grep -c "\"mn\": \"$1\""
}
got_ge() { [ "$(got "$1" "$2")" -ge "$3" ]; }
at_or_after() { [ "$(date +%s)" -ge "$1" ]; }
# on STATION FUNC ARGS...: a store_lib.sh helper on STATION's state dir
on() {
	local st=$1
	shift
	W=$W/$st "$@"
}
# central_compare STATION SENSOR: store_compare on the central RRD
central_compare() {
	STORE_DAEMON=127.0.0.1:$RRDC_PORT STORE_RRD=$1/$2.rrd \
	    on "$1" store_compare "$2"
}
phase() { [ $(($(date +%s) % 10)) -eq "$1" ]; }

central_start
am_pair
check "the two Alertmanagers are peered" peers "$AM2"
start_platform
station lake-a "$MN_A" "0.030:3,0.080:20,0.030"
station lake-b "$MN_B" "0.040"
check "lake-a's config is valid" "$BIN/lakewatchd" -t -c "$W/lake-a/lw.conf"
lwd_start lake-a "$W/lake-a/lw.conf"
PID_A=$DAEMON_PID
lwd_start lake-b "$W/lake-b/lw.conf"
PID_B=$DAEMON_PID
T0=$(date +%s)		# both have started: their first periods hold T0

# the alert: active in both members, am1 killed, once in am2, resolved
both_am() { test "$(n_active "$AM1")" -eq 1 -a "$(n_active "$AM2")" -eq 1; }
am2_none() { test "$(n_active "$AM2")" -eq 0; }
first_acks() { up_ge lake-a acked 1 && up_ge lake-b acked 1; }
check "alert: lake-a's threshold alert active in both members" \
    wait_for 20 both_am
kill -KILL "$AM1_PID"
wait "$AM1_PID" 2>/dev/null
check "alert: re-sent after am1 died (its failure logged)" wait_for 15 \
    grep -q "member $AM1/api/v2/alerts" "$W/lake-a.log"
check "alert: once in am2 after am1 died" test "$(n_active "$AM2")" -eq 1
# stations share the Alertmanager: each alert says whose it is, so that
# the same sensor name at two stations makes two alerts, not one
am_station() {
	curl -sf "$1/api/v2/alerts?filter=alertname=%22LakewatchThreshold%22" |
	    "$PY" -c 'import json, sys
print(" ".join(a["labels"].get("station", "-") for a in json.load(sys.stdin)))'
}
check "alert: labelled station=lake-a in am2" \
    test "$(am_station "$AM2")" = lake-a
check "uplink: both stations' first packets acknowledged" \
    wait_for 30 first_acks

# the platform away 30 s, from 4 s before packets are built (3 s after a
# period's end): the daemons' connect back-off (1, 2, 4 ... s) then
# tries again 4 s after it is back
wait_for 12 phase 9 || echo "clock phase 9 not seen"
kill -TERM "$PLAT_PID"
wait "$PLAT_PID" 2>/dev/null
DOWN=$(date +%s)
check "alert: resolved in the surviving am2" wait_for 30 am2_none
check "alert: the dead member logged once" test \
    "$(grep -c "member $AM1/api/v2/alerts" "$W/lake-a.log")" -eq 1
backlogs() { up_ge lake-a backlog 2 && up_ge lake-b backlog 2; }
check "outage: packets wait in both spools" wait_for 30 backlogs
wait_for 40 at_or_after $((DOWN + 30)) || echo "outage longer than 40 s"
FROM=$(wc -l <"$PLOG")
start_platform --port "$PLAT_PORT" --late 1

# lake-b killed -9 mid-backlog: two of its packets arrived since the
# platform is back, the second waits 1 s for its answer
check "outage: lake-b's backlog goes out" \
    wait_for 30 got_ge "$MN_B" "$FROM" 2
kill -KILL "$PID_B"
wait "$PID_B" 2>/dev/null
SPOOLED=$(spool_n lake-b)
check "kill -9: lake-b's spool keeps its $SPOOLED waiting packets" \
    test "$SPOOLED" -ge 2
lwd_start lake-b-2 "$W/lake-b/lw.conf"
PID_B=$DAEMON_PID
drained() { [ "$(spool_n lake-a)" -eq 0 ] && [ "$(spool_n lake-b)" -eq 0 ]; }
check "both backlogs drain after the restart" wait_for 40 drained
T1=$(date +%s)
DAEMON_PID=$PID_A stop_daemon
RC_A=$DAEMON_RC
DAEMON_PID=$PID_B stop_daemon
check "both daemons exit 0" test "$RC_A" -eq 0 -a "$DAEMON_RC" -eq 0
echo "platform away from $DOWN for 30 s; drained $((T1 - T0)) s after the start"

check "uplink: every period of both stations, oldest first, re-sent only with its QN" \
    "$PY" - "$PLOG" "$T0" "$T1" "lake-a=$MN_A=$W/lake-a/state/samples" \
    "lake-b=$MN_B=$W/lake-b/state/samples" <<'PYEOF'
import calendar, datetime, glob, json, sys, time
log, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bj = datetime.timezone(datetime.timedelta(hours=8))
recs = [json.loads(l) for l in open(log, encoding="utf-8")]
bad = [r for r in recs if not r["ok"]]
assert not bad, bad
want = set(range(t0 - t0 % 10, t1 - t1 % 10 - 10, 10))
tot = dict(sent=0, acked=0, resent=0, lost=0)
fail = []
for arg in sys.argv[4:]:
    name, mn, samples = arg.split("=")
    # a period the station logged no row in has nothing to send (a
    # daemon under valgrind may first poll after T0's period ended)
    rows = set()
    for path in glob.glob(samples + "/*/*.csv"):
        for line in open(path, encoding="utf-8"):
            if line[:1].isdigit():
                t = calendar.timegm(time.strptime(line.split(",")[0],
                                                  "%Y-%m-%dT%H:%M:%SZ"))
                rows.add(t - t % 10)
    swant = want & rows
    pk = [r for r in recs if r.get("cn") == "2061" and r["mn"] == mn]
    first = {}
    for r in pk:
        if r["qn"] in first:
            if r["cp"] != first[r["qn"]]["cp"]:
                fail.append((name, "QN re-sent with other data", r))
        else:
            first[r["qn"]] = r
        assert r["st"] == "21" and r["flag"] == "5" and r["pnum"] is None, r
    periods = {}
    for qn, r in first.items():
        dt = datetime.datetime.strptime(r["cp"]["DataTime"], "%Y%m%d%H%M%S")
        t = int(dt.replace(tzinfo=bj).timestamp())
        if t in periods:
            fail.append((name, "period sent under two QNs", t))
        periods[t] = qn
    order = list(first)
    if order != sorted(order):
        fail.append((name, "not oldest first", order))
    lost = sorted(swant - set(periods))
    # with ack = yes a packet leaves the spool only on the platform's
    # 9014; the spools are empty, so every distinct packet was acked
    n = dict(sent=len(pk), acked=len(first), resent=len(pk) - len(first),
             lost=len(lost))
    print("uplink %s: sent %d, acked %d, re-sent (same QN) %d, lost %d "
          "(periods %d, wanted %d of %d)" % (name, n["sent"], n["acked"],
          n["resent"], n["lost"], len(periods), len(swant), len(want)))
    if len(swant) < len(want) - 2:	# the first, and one at the kill -9
        fail.append((name, "periods without a sample", sorted(want - rows)))
    for k in tot:
        tot[k] += n[k]
    if lost:
        fail.append((name, "periods lost", lost))
print("uplink both: sent %d, acked %d, re-sent (same QN) %d, lost %d" % (
    tot["sent"], tot["acked"], tot["resent"], tot["lost"]))
# at most the packet in flight at each fault (platform gone, kill -9)
if tot["resent"] > 2:
    fail.append(("re-sent more than one per fault", tot["resent"]))
assert not fail, fail
PYEOF
check "uplink: lake-b's values are its own (0.040), lake-a's its own" \
    "$PY" - "$PLOG" "$MN_A" "$MN_B" <<'PYEOF'
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(l)
    cp = r.get("cp") or {}
    if r.get("cn") != "2061" or cp.get("w21011-Flag") != "N":
        continue
    v = float(cp["w21011-Avg"])
    if r["mn"] == sys.argv[3]:
        assert abs(v - 0.040) < 0.001, r
    else:
        assert 0.029 <= v <= 0.081, r
PYEOF

# the central RRDs, read through rrdcached: every logged reading there
for st in lake-a lake-b; do
	for s in centre-tp centre-temp; do
		check "central RRD $st/$s: every reading of the sample log" \
		    central_compare "$st" "$s"
	done
done
finish
