# Per-target queues: a receiver that accepts and never answers, and a
# port where nobody listens, must not delay a healthy receiver. Latency
# is measured from the moment the event was written to the outbox (the
# time in the name of the entry that the dead targets still hold) to the
# moment the healthy receiver had it.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

start_sim --tp-steps "0.030:2,0.080:5,0.030"
recv_start healthy
recv_start hang --mode slow=60000
station "$W/lw.conf"
for s in north-tp south-tp; do
	printf '[sensor %s]\nbus = station\nunit = 1\nregister = 0\n' "$s"
	printf 'word_order = cdab\nstatus_register = 2\n'
done >>"$W/lw.conf"
cat >>"$W/lw.conf" <<CONF
[webhook hang]
url = $(recv_url hang)
timeout = 20s
[webhook refused]
url = http://127.0.0.1:$(free_port)/hook
[webhook healthy]
url = $(recv_url healthy)
CONF
start_daemon "$W/lw.conf"
six() { test "$(recv_count healthy 200)" -ge 6; }
wait_for 20 six || echo "healthy receiver has fewer than 6 events"
# the healthy outbox emptied after the 2xx, the dead ones hold all 6
settled() {
	test "$(outbox_n healthy)" -eq 0 -a "$(outbox_n hang)" -ge 6 -a \
	    "$(outbox_n refused)" -ge 6
}
wait_for 5 settled || echo "outboxes not settled after 5 s"
t0=$(date +%s%N)
stop_daemon
ms=$((($(date +%s%N) - t0) / 1000000))
echo "stopped in $ms ms with a request hanging"
check "daemon exits 0" test "$DAEMON_RC" -eq 0
check "SIGTERM not held up by the hanging request (< 2 s)" test "$ms" -lt 2000
check "dead targets keep all 6 events" \
    test "$(outbox_n hang)" -eq 6 -a "$(outbox_n refused)" -eq 6
check "healthy outbox empty" test "$(outbox_n healthy)" -eq 0
check "healthy receiver: each of 6 events within 1 s of its outbox write" \
    "$PY" - "$W/healthy.jsonl" "$W/state/outbox/refused" <<'PYEOF'
import json, os, sys
written = {}
for f in os.listdir(sys.argv[2]):
    ms, _, rest = f.split("-", 2)
    written[rest[:-5]] = int(ms) / 1000.0
lat = []
for l in open(sys.argv[1]):
    e = json.loads(l)
    key = e["body"]["event_id"].replace(":", "_")
    lat.append((e["t"] - written[key], e["body"]["event_id"]))
lat.sort()
for d, i in lat:
    print("%7.1f ms  %s" % (d * 1000, i))
assert len(lat) == 6, lat
assert lat[-1][0] < 1.0, lat[-1]
PYEOF
finish
