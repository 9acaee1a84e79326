# Delivery against receivers that fail in each way a real one does, all
# fed by one daemon at once: down at first, 500 twice, 503 with
# Retry-After, 400, connection closed, too slow for the timeout. Every
# event reaches every receiver that ever accepts, 400 goes to deadletter
# with its reason, and no receiver holds up another.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

start_sim --tp-steps "0.030:3,0.080:6,0.030"
recv_start r500 --mode 500
recv_start r503 --mode 503
recv_start r400 --mode 400
recv_start rclose --mode close
recv_start rslow --mode slow=2000
DOWN_PORT=$(free_port)
station "$W/lw.conf"
for r in r500 r503 r400 rclose rslow; do
	printf '[webhook %s]\nurl = %s\ntimeout = 1s\n' "$r" "$(recv_url $r)"
done >>"$W/lw.conf"
printf '[webhook rdown]\nurl = http://127.0.0.1:%s/hook\n' "$DOWN_PORT" \
    >>"$W/lw.conf"
start_daemon "$W/lw.conf"
T0=$(date +%s.%N)

# the first failure of each kind, then the receiver recovers
wait_for 20 recv_has r503 503 1 || bad "no 503 answered"
recv_mode r503 ok
wait_for 5 recv_has r500 500 1 || bad "no 500 answered"
recv_mode r500 ok
wait_for 5 recv_has rclose close 1 || bad "no close"
recv_mode rclose ok
wait_for 5 recv_has rslow "" 1 || bad "rslow saw nothing"
# the daemon has given up on the first (1 s timeout)
wait_for 5 grep -q "webhook 'rslow': Operation timed out" "$W/daemon.log" ||
    bad "no time-out logged for rslow"
recv_mode rslow ok
# rdown comes up once both events wait for it
wait_for 20 grep -q 'alert resolved' "$W/daemon.log" || bad "no resolve"
recv_start rdown --port "$DOWN_PORT"

delivered() {	# NAME: both events answered 200
	"$PY" - "$W/$1.jsonl" <<'PYEOF'
import json, sys
ids = {json.loads(l)["body"]["event_id"] for l in open(sys.argv[1])
       if json.loads(l)["status"] == 200}
sys.exit(not {"centre-tp:threshold:1", "centre-tp:threshold:2"} <= ids)
PYEOF
}
all_done() {
	for r in r500 r503 rclose rslow rdown; do delivered $r || return 1; done
	test "$(find "$W/state/deadletter/r400" -name '*.json' | wc -l)" -eq 2
}
wait_for 30 all_done || echo "not all delivered after 30 s"
echo "all delivered after $(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN { printf "%.1f", a - b }') s"
sleep 1		# quiet period: a repeated POST would come now
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
for r in r500 r503 rclose rslow rdown; do
	echo "== $r"
	"$PY" -c 'import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    print("%.3f %s %s" % (e["t"], e["status"], e["body"]["event_id"]))' \
	    "$W/$r.jsonl"
	check "$r: firing and resolved delivered" delivered $r
	check "$r: outbox empty" test "$(outbox_n $r)" -eq 0
done

# attempts per receiver, per event, in order
check "500, then a retry after backoff, then 200" "$PY" - "$W/r500.jsonl" <<'PYEOF'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
st = [(x["body"]["event_id"][-1], x["status"]) for x in e]
assert st[0] == ("1", 500) and st[-2:] == [("1", 200), ("2", 200)], st
assert all(s == ("1", 500) for s in st[:-2]), st
assert e[1]["t"] - e[0]["t"] >= 0.45, "no backoff"
PYEOF
check "503: the retry waited >= 2 s (Retry-After: 2)" "$PY" - "$W/r503.jsonl" <<'PYEOF'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
assert e[0]["status"] == 503 and e[1]["status"] == 200, e
assert e[0]["body"]["event_id"] == e[1]["body"]["event_id"]
gap = e[1]["t"] - e[0]["t"]
print("retry after %.2f s" % gap)
assert 2.0 <= gap < 4.0, gap
PYEOF
check "closed connection retried with the same event" "$PY" - "$W/rclose.jsonl" <<'PYEOF'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
# one or more closes (the receiver is switched to ok after the first;
# on a loaded machine the daemon may retry once more before that), then
# the same event accepted
ok = [x["status"] for x in e].index(200)
assert ok >= 1 and all(x["status"] == "close" for x in e[:ok]), e
assert all(x["body"] == e[ok]["body"] for x in e[:ok])
assert all(x["headers"]["idempotency-key"] ==
           e[ok]["headers"]["idempotency-key"] for x in e[:ok])
PYEOF
check "slow receiver: timed out, retried, delivered; duplicates same id" \
    "$PY" - "$W/rslow.jsonl" <<'PYEOF'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
ids = [x["body"]["event_id"] for x in e]
assert ids[0] == ids[1] == "centre-tp:threshold:1", ids
assert set(ids) == {"centre-tp:threshold:1", "centre-tp:threshold:2"}, ids
PYEOF
check "daemon logged the timeout" grep -q "webhook .rslow.: Operation timed out after 10[0-9][0-9] milliseconds" "$W/daemon.log"
check "receiver down at first: both events once, in order" \
    "$PY" - "$W/rdown.jsonl" <<'PYEOF'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
ids = [x["body"]["event_id"] for x in e]
assert ids == ["centre-tp:threshold:1", "centre-tp:threshold:2"], ids
PYEOF
dl=$W/state/deadletter/r400
ls -l "$dl"
check "400: both events in deadletter, none sent twice" \
    test "$(recv_count r400)" -eq 2
check "400: a .reason beside each, with the answer" \
    test "$(grep -l 'HTTP 400: {"error":"bad request"}' "$dl"/*.reason | wc -l)" -eq 2
check "400: each dead letter logged once" \
    test "$(grep -c "webhook 'r400': event .* moved to .*deadletter/r400/: HTTP 400" "$W/daemon.log")" -eq 2
check "the others did not wait for the 400s: rdown got both within 2 s" \
    "$PY" - "$W/rdown.jsonl" "$W/recv-rdown.log" <<'PYEOF'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
assert e[-1]["t"] - e[0]["t"] < 2, e[-1]["t"] - e[0]["t"]
PYEOF
finish
