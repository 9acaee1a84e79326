# kill -9 of lakewatchd while its receiver is down and events wait in the
# outbox, plus a write torn by the crash and an entry that is not JSON;
# then restart the daemon, later the receiver: every event arrives, each
# event_id once per transition (a repeat only ever with the same id).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

start_sim --tp-steps "0.030:2,0.080:4,0.030:4,0.080:4,0.030"
PORT=$(free_port)
station "$W/lw.conf"
for s in north-tp south-tp; do
	printf '[sensor %s]\nbus = station\nunit = 1\nregister = 0\n' "$s"
	printf 'word_order = cdab\nstatus_register = 2\nsite = 长荡湖%s\n' "$s"
done >>"$W/lw.conf"
printf '[webhook ops]\nurl = http://127.0.0.1:%s/hook\nsecret = k3y\n' \
    "$PORT" >>"$W/lw.conf"
start_daemon "$W/lw.conf"
FIRST=$DAEMON_PID
outbox_at_least() { test "$(outbox_n ops)" -ge "$1"; }
wait_for 20 outbox_at_least 6 || bad "fewer than 6 events in the outbox"
kill -KILL "$FIRST"
wait "$FIRST" 2>/dev/null
before=$(outbox_n ops)
echo "killed with $before events in the outbox"
check "events waited in the outbox at the kill" test "$before" -ge 6
# what a crash in the middle of a write leaves, and a corrupt entry
ob=$W/state/outbox/ops
echo '{"version":1,"event_id":"torn' >"$ob/99999999999999-000000-torn.json.tmp"
echo 'not json' >"$ob/00000000000001-000000-junk.json"
bg daemon2 $WRAP "$BIN/lakewatchd" -c "$W/lw.conf"
DAEMON_PID=$LAST_PID
# the restarted daemon has tried the receiver, still down
wait_for 10 grep -q "webhook 'ops': .*retrying" "$W/daemon2.log" ||
    echo "the restarted daemon did not try the receiver in 10 s"
recv_start ops --port "$PORT" --secret k3y

# 3 sensors x (firing, resolved, firing, resolved)
all_in() {
	"$PY" - "$W/ops.jsonl" <<'PYEOF'
import json, sys
ids = {json.loads(l)["body"]["event_id"] for l in open(sys.argv[1])
       if json.loads(l)["status"] == 200}
sys.exit(len(ids) < 12)
PYEOF
}
if ! wait_for 60 all_in; then	# say where the daemon stood
	echo "not all 12 events after 60 s; status and last samples:"
	cat "$W/state/status.json" 2>/dev/null | head -c 2000
	echo
	tail -n 3 "$W"/state/samples/*/*.csv
fi
sleep 2		# quiet period: a late duplicate or re-fire would come now
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
cat "$W/daemon.log" "$W/daemon2.log" | grep -E 'alert|earlier|deadletter|unreadable'
check "leftover .tmp removed at start" test ! -e "$ob/99999999999999-000000-torn.json.tmp"
check "corrupt entry moved to deadletter as unreadable" \
    grep -q unreadable "$W/state/deadletter/ops/00000000000001-000000-junk.json.reason"
check "outbox empty" test "$(outbox_n ops)" -eq 0
check "every event once per transition, duplicates only by id, signed" \
    "$PY" - "$W/ops.jsonl" "$W/daemon.log" "$W/daemon2.log" <<'PYEOF'
import collections, json, re, sys
recv = [json.loads(l) for l in open(sys.argv[1])]
made = set()
for f in sys.argv[2:]:
    made |= set(re.findall(r"alert (?:firing|resolved): .* \[(\S+)\]",
                           open(f, encoding="utf-8").read()))
ok = [e for e in recv if e["status"] == 200]
n = collections.Counter(e["body"]["event_id"] for e in ok)
dups = sum(n.values()) - len(n)
print("events made %d, received %d distinct, %d requests, %d duplicates"
      % (len(made), len(n), len(recv), dups))
want = {"%s-tp:threshold:%d" % (s, i) for s in ("centre", "north", "south")
        for i in (1, 2, 3, 4)}
assert set(n) == want, sorted(set(n) ^ want)
assert made == want, sorted(made ^ want)
for e in ok:
    b = e["body"]
    seq = int(b["event_id"].rsplit(":", 1)[1])
    assert b["status"] == ("firing" if seq % 2 else "resolved"), b
    assert e["headers"]["idempotency-key"] == b["event_id"]
    assert e["sig_ok"] is True, e
for e in recv:
    if e["status"] != 200:
        print("not accepted:", e["status"], e["body"]["event_id"])
# per sensor, transitions arrive in order
for s in ("centre", "north", "south"):
    seqs = [int(e["body"]["event_id"].rsplit(":", 1)[1]) for e in ok
            if e["body"]["sensor"] == s + "-tp"]
    assert seqs == sorted(seqs), (s, seqs)
PYEOF
finish
