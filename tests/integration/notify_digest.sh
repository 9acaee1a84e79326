# A storm against a rate-limited chat robot: 10 sensors fire and resolve
# together, WeCom allows 3 requests a second here. The waiting events are
# folded into digests, none dropped: every event_id reaches WeCom exactly
# once, within the rate and the 2048-byte text limit, and a digest that
# failed (500) is sent again whole before its files go. A json target
# beside it gets all 20 events one by one.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

start_sim --tp-steps "0.030:2,0.080:5,0.030"
recv_start wecom --mode 500 --reply '{"errcode":0,"errmsg":"ok"}'
recv_start json
station "$W/lw.conf"
for i in 1 2 3 4 5 6 7 8 9; do
	printf '[sensor s%d-tp]\nbus = station\nunit = 1\nregister = 0\n' "$i"
	printf 'word_order = cdab\nstatus_register = 2\nsite = 站点%d号\n' "$i"
done >>"$W/lw.conf"
cat >>"$W/lw.conf" <<CONF
[webhook wecom]
url = $(recv_url wecom)?key=k
format = wecom
msgtype = text
rate_limit = 3/s
[webhook json]
url = $(recv_url json)
CONF
start_daemon "$W/lw.conf"
wait_for 15 recv_has wecom 500 1 || bad "wecom saw nothing"
sleep 0.5	# deliberate: wecom fails 0.5 s more, then takes the retries
recv_mode wecom ok
covered() {	# all 20 event ids accepted by wecom and by json
	"$PY" - "$W/wecom.jsonl" "$W/json.jsonl" <<'PYEOF'
import json, sys
ids = set()
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["status"] == 200:
        ids |= set(e["headers"]["x-lakewatch-event-ids"].split(","))
n = sum(json.loads(l)["status"] == 200 for l in open(sys.argv[2]))
sys.exit(len(ids) < 20 or n < 20)
PYEOF
}
wait_for 25 covered || echo "not all 20 events covered after 25 s"
sleep 1		# quiet period: a repeated request would come now
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
check "outboxes empty" test "$(outbox_n wecom)" -eq 0 -a "$(outbox_n json)" -eq 0
check "wecom: 20 events folded into digests, each once, within limits" \
    "$PY" - "$W/wecom.jsonl" <<'PYEOF'
import collections, json, re, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
ok = [e for e in reqs if e["status"] == 200]
seen = collections.Counter()
digests = 0
for e in ok:
    ids = e["headers"]["x-lakewatch-event-ids"].split(",")
    seen.update(ids)
    c = e["body"]["text"]["content"]
    assert e["body"]["msgtype"] == "text" and len(c.encode()) <= 2048, c
    for i in ids:
        assert i in c, (i, c)
    if len(ids) > 1:
        digests += 1
        up = sum(1 for i in ids if int(i.rsplit(":", 1)[1]) % 2)
        head = "(%d alerts: %d firing, %d resolved)" % (len(ids), up,
                                                        len(ids) - up)
        assert head in c, (head, c)
        assert e["headers"]["idempotency-key"].startswith("digest:")
    print("%.3f %d event(s)" % (e["t"], len(ids)))
want = {"%s-tp:threshold:%d" % (s, k) for k in (1, 2)
        for s in ["centre"] + ["s%d" % i for i in range(1, 10)]}
assert set(seen) == want, sorted(set(seen) ^ want)
assert max(seen.values()) == 1, seen
assert digests >= 2, digests
print("%d requests for 20 events, %d digests" % (len(reqs), digests))
print(c)
# the failed first request was sent again, and nothing in it was lost
assert reqs[0]["status"] == 500
first = set(reqs[0]["headers"]["x-lakewatch-event-ids"].split(","))
assert first <= set(seen), first
# at most 3 requests in any second
t = sorted(e["t"] for e in reqs)
assert all(t[i + 3] - t[i] >= 0.95 for i in range(len(t) - 3)), t
PYEOF
check "json: all 20 events, one request each" "$PY" - "$W/json.jsonl" <<'PYEOF'
import json, sys
ids = [json.loads(l)["body"]["event_id"] for l in open(sys.argv[1])]
assert len(ids) == 20 == len(set(ids)), ids
PYEOF
finish
