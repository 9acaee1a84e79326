# lakewatch test-alert: one marked test event through each webhook, as
# the daemon would send it (X-Lakewatch-Signature, DingTalk's signed URL
# and keyword, mentions), the receiver's answer printed and DingTalk's
# errcode 310000 explained; exit 0 only if every webhook accepted.
# lakewatch deadletter: list, show, retry and drop the events a 400
# receiver refused, and a retried one reaches the receiver once it
# accepts.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

DING=SEC9f2c1e0d8b7a6f5e4d3c2b1a0
recv_start json --secret k3y
recv_start ding --reply '{"errcode":0,"errmsg":"ok"}'
recv_start ding310 --reply '{"errcode":310000,"errmsg":"keywords not in content"}'
SIM_PORT=1 station "$W/ta.conf" "$W/tastate"
cat >>"$W/ta.conf" <<CONF
[webhook json]
url = $(recv_url json)
secret = k3y
[webhook ding]
url = $(recv_url ding)?access_token=t0ken
format = dingtalk
msgtype = text
secret = $DING
keyword = 水质告警
mention = 13800000000
[webhook ding310]
url = $(recv_url ding310)?access_token=t0ken
format = dingtalk
CONF

"$BIN/lakewatch" test-alert -c "$W/ta.conf" >"$W/ta.out" 2>&1
rc=$?
cat "$W/ta.out"
check "one webhook refused: exit 1" test "$rc" -eq 1
check "each receiver got one request" \
    test "$(recv_count json)$(recv_count ding)$(recv_count ding310)" = 111
check "json: signature verified, a test event (kind test, no value)" \
    "$PY" - "$W/json.jsonl" <<'PYEOF'
import json, sys
e = json.loads(open(sys.argv[1]).readline())
b = e["body"]
assert e["sig_ok"] is True, e
assert e["headers"].get("x-lakewatch-test") == "1", e["headers"]
assert b["kind"] == "test" and b["value"] is None, b
assert b["event_id"].startswith("lakewatch-test:test:"), b
assert "TEST ALERT" in b["message"], b
PYEOF
check "dingtalk: URL signed (timestamp in ms, HMAC of the secret), keyword and mention in the text" \
    "$PY" - "$W/ding.jsonl" "$DING" <<'PYEOF'
import base64, hashlib, hmac, json, sys, time, urllib.parse
e = json.loads(open(sys.argv[1]).readline())
q = urllib.parse.parse_qs(urllib.parse.urlsplit(e["path"]).query)
ts, sign = q["timestamp"][0], q["sign"][0]
assert abs(int(ts) / 1000 - e["t"]) < 60, (ts, e["t"])
want = base64.b64encode(hmac.new(sys.argv[2].encode(),
    (ts + "\n" + sys.argv[2]).encode(), hashlib.sha256).digest()).decode()
assert sign == want, (sign, want)
assert q["access_token"] == ["t0ken"], q
b = e["body"]
text = b["text"]["content"]
assert b["msgtype"] == "text", b
assert text.startswith("[水质告警] "), text
assert "测试 TEST" in text and "TEST ALERT" in text, text
assert b["at"]["atMobiles"] == ["13800000000"] and "@13800000000" in text, b
PYEOF
check "the answers are printed: HTTP status and body" \
    grep -q 'HTTP 200: {"errcode":0,"errmsg":"ok"}' "$W/ta.out"
check "310000: the code, DingTalk's message and what it means" \
    grep -q "errcode 310000: keywords not in content" "$W/ta.out"
check "310000 means signature, keyword or IP allow-list" \
    grep -q "means: .*signature.*keyword.*allow-list" "$W/ta.out"
check "ding310 marked REFUSED, json and ding accepted" \
    test "$(grep -c REFUSED "$W/ta.out")$(grep -c accepted "$W/ta.out")" = 12
check "the token is not printed" sh -c "! grep -q t0ken '$W/ta.out'"

"$BIN/lakewatch" test-alert -c "$W/ta.conf" --webhook json >"$W/ta1.out" 2>&1
check "--webhook json: exit 0" test $? -eq 0
check "--webhook json: only json got another request" \
    test "$(recv_count json)$(recv_count ding)$(recv_count ding310)" = 211
"$BIN/lakewatch" test-alert -c "$W/ta.conf" --webhook nosuch 2>"$W/ta2.err"
check "--webhook nosuch: exit 1, named" sh -c "test $? -eq 1 &&
    grep -q \"no webhook 'nosuch'\" '$W/ta2.err'"
printf '[webhook down]\nurl = http://127.0.0.1:%s/hook\ntimeout = 2s\n' \
    "$(free_port)" >>"$W/ta.conf"
"$BIN/lakewatch" test-alert -c "$W/ta.conf" --webhook down >"$W/ta3.out" 2>&1
check "a receiver that is down: exit 1, curl's reason printed" \
    sh -c "test $? -eq 1 && grep -q 'not sent: .*' '$W/ta3.out'"
"$BIN/lakewatch" test-alert -c "$W/nonexistent.conf" 2>/dev/null
check "a missing config: 66" test $? -eq 66

# deadletter: a daemon whose receiver refuses (400), then accepts
start_sim --tp-steps "0.030:2,0.080:4,0.030"
recv_start r400 --mode 400
station "$W/lw.conf"
printf '[webhook r400]\nurl = %s\n' "$(recv_url r400)" >>"$W/lw.conf"
start_daemon "$W/lw.conf"
dead2() { test "$(find "$W/state/deadletter/r400" -name '*.json' | wc -l)" -eq 2; }
wait_for 60 dead2 || bad "no 2 dead letters"
DL="$BIN/lakewatch deadletter -c $W/lw.conf"
$DL list >"$W/dl.out" 2>&1
check "list: exit 0" test $? -eq 0
cat "$W/dl.out"
check "list: both events, the status, event id and the receiver's answer" \
    sh -c "grep -c 'firing centre-tp:threshold:1: HTTP 400: {\"error\":\"bad request\"}' '$W/dl.out' | grep -qx 1 &&
    grep -q 'resolved centre-tp:threshold:2: HTTP 400' '$W/dl.out' &&
    grep -q '^2 refused events in ' '$W/dl.out'"
ID1=$(grep -o '^r400/[^ ]*centre-tp_threshold_1' "$W/dl.out")
ID2=$(grep -o '^r400/[^ ]*centre-tp_threshold_2' "$W/dl.out")
$DL show "$ID1" >"$W/show.out"
check "show: the event JSON and the reason" \
    sh -c "test $? -eq 0 && grep -q '\"event_id\": *\"centre-tp:threshold:1\"' '$W/show.out' &&
    grep -q '^refused: HTTP 400' '$W/show.out'"
$DL show nosuch 2>"$W/show.err"
check "show of an unknown id: exit 1, said so" \
    sh -c "test $? -eq 1 && grep -q 'no such refused event' '$W/show.err'"
recv_mode r400 ok
$DL retry "${ID1#r400/}" >"$W/retry.out"
check "retry (the id without the webhook): exit 0, back in the outbox" \
    sh -c "test $? -eq 0 && grep -q 'back in the outbox' '$W/retry.out' &&
    test \$(find '$W/state/outbox/r400' -name '*.json' | wc -l) -eq 1 &&
    test \$(find '$W/state/deadletter/r400' -name '*.reason' | wc -l) -eq 1"
kill -HUP "$DAEMON_PID"
wait_for 10 recv_has r400 200 1
check "after a reload the daemon sends the retried event, accepted" \
    "$PY" - "$W/r400.jsonl" <<'PYEOF'
import json, sys
ok = [json.loads(l)["body"]["event_id"] for l in open(sys.argv[1])
      if json.loads(l)["status"] == 200]
assert ok == ["centre-tp:threshold:1"], ok
PYEOF
outbox0() { test "$(outbox_n r400)" -eq 0; }
check "the outbox is empty again" wait_for 5 outbox0
$DL drop "$ID2" >/dev/null
check "drop: exit 0, the event and its reason gone" \
    sh -c "test $? -eq 0 && test -z \"\$(ls -A '$W/state/deadletter/r400')\""
$DL list >"$W/dl2.out"
check "list: nothing left" grep -q '^0 refused events' "$W/dl2.out"
$DL retry 2>/dev/null
check "retry without an id: usage, 64" test $? -eq 64
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
finish
