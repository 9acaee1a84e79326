# A bounded outbox (max_outbox = 2) with the receiver down and 8 events
# coming: the outbox never holds more than 2, the rest wait in memory
# with a clear error naming the webhook, and once the receiver is up
# every event arrives once, each sensor's in order.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

start_sim --tp-steps "0.030:2,0.080:4,0.030"
PORT=$(free_port)
station "$W/lw.conf"
for i in 1 2 3; do
	printf '[sensor s%d-tp]\nbus = station\nunit = 1\nregister = 0\n' "$i"
	printf 'word_order = cdab\nstatus_register = 2\n'
done >>"$W/lw.conf"
printf '[webhook ops]\nurl = http://127.0.0.1:%s/hook\nmax_outbox = 2\n' \
    "$PORT" >>"$W/lw.conf"
start_daemon "$W/lw.conf"
max=0
made() { test "$(grep -cE 'alert (firing|resolved): ' "$W/daemon.log")" -ge 8; }
# the outbox's size every 0.1 s until all 8 events are made (20 s at
# most), and once after
for _ in $(seq 200); do
	n=$(outbox_n ops)
	[ "$n" -gt "$max" ] && max=$n
	made && break
	sleep 0.1
done
n=$(outbox_n ops)
[ "$n" -gt "$max" ] && max=$n
echo "most entries seen in the outbox: $max"
check "the outbox held at most 2" test "$max" -le 2
check "and was full" test "$max" -eq 2
recv_start ops --port "$PORT"
eight() { test "$(recv_count ops 200)" -ge 8; }
wait_for 20 eight || echo "fewer than 8 events after 20 s"
sleep 1		# quiet period: a repeated POST would come now
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
grep -m 3 'outbox' "$W/daemon.log"
check "clear error naming the webhook" \
    grep -q "webhook 'ops': outbox full (2 events waiting, max_outbox 2)" \
    "$W/daemon.log"
check "nothing lost at exit" sh -c "! grep -q 'is lost at exit' '$W/daemon.log'"
check "all 8 events once, each sensor's in order" "$PY" - "$W/ops.jsonl" <<'PYEOF'
import json, sys
ids = [json.loads(l)["body"]["event_id"] for l in open(sys.argv[1])]
print(ids)
assert len(ids) == 8 == len(set(ids)), ids
for s in ("centre", "s1", "s2", "s3"):
    mine = [i for i in ids if i.startswith(s + "-tp:")]
    assert mine == [s + "-tp:threshold:1", s + "-tp:threshold:2"], mine
PYEOF
finish
