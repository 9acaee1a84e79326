# Signing and the chat formats, end to end: json with X-Lakewatch
# headers (secret from a 0600 file, verified by the receiver), DingTalk
# with the signed URL, Feishu with the signature in the body (both
# recomputed here with Python's hmac), WeCom text and Slack. Every chat
# body carries what a Chinese operator needs, UTF-8 intact.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

DING=SEC9f2c1e0d8b7a6f5e4d3c2b1a0
FEI=feishu-s3cret
start_sim --tp-steps "0.030:2,0.080:4,0.030"
recv_start json --secret k3y
recv_start ding --reply '{"errcode":0,"errmsg":"ok"}'
recv_start feishu --reply '{"code":0,"msg":"success","data":{}}'
recv_start wecom --reply '{"errcode":0,"errmsg":"ok"}'
recv_start slack
printf 'k3y\n' >"$W/json.secret"
chmod 600 "$W/json.secret"
station "$W/lw.conf"
cat >>"$W/lw.conf" <<CONF
[webhook json]
url = $(recv_url json)
secret_file = json.secret
[webhook ding]
url = $(recv_url ding)?access_token=t0ken
format = dingtalk
secret = $DING
[webhook feishu]
url = $(recv_url feishu)
format = feishu
secret = $FEI
[webhook wecom]
url = $(recv_url wecom)?key=k
format = wecom
msgtype = text
[webhook slack]
url = $(recv_url slack)
format = slack
CONF
chmod 644 "$W/json.secret"
check "a secret_file readable by others is refused" \
    sh -c "'$BIN/lakewatchd' -t -c '$W/lw.conf' 2>&1 | grep -q 'readable by others'"
chmod 600 "$W/json.secret"
start_daemon "$W/lw.conf"
both() {
	local r
	for r in json ding feishu wecom slack; do
		test "$(recv_count $r 200)" -ge 2 || return 1
	done
}
wait_for 25 both || echo "not every receiver has 2 events"
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
for r in json ding feishu wecom slack; do
	check "$r: firing and resolved accepted" test "$(recv_count $r 200)" -eq 2
done
check "json: signature verified by the receiver, DESIGN.md 5 body + severity" \
    "$PY" - "$W/json.jsonl" <<'PYEOF'
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    assert e["sig_ok"] is True, e
    assert len(e["body"]) == 17 and e["body"]["site"] == "长荡湖湖心", e
    assert e["body"]["severity"] == "critical", e
PYEOF
check "dingtalk: sign in the URL = base64(HMAC(secret, ms\\nsecret))" \
    "$PY" - "$W/ding.jsonl" "$DING" <<'PYEOF'
import base64, hashlib, hmac, json, sys, urllib.parse
secret = sys.argv[2].encode()
for l in open(sys.argv[1]):
    e = json.loads(l)
    u = urllib.parse.urlsplit(e["path"])
    q = urllib.parse.parse_qs(u.query, strict_parsing=True)
    assert q["access_token"] == ["t0ken"], q
    ts = q["timestamp"][0]
    assert abs(int(ts) / 1000 - e["t"]) < 5, (ts, e["t"])
    want = base64.b64encode(hmac.new(secret, ts.encode() + b"\n" + secret,
                                     hashlib.sha256).digest()).decode()
    assert q["sign"] == [want], (q["sign"], want)
    assert "x-lakewatch-signature" not in e["headers"]
    b = e["body"]
    assert b["msgtype"] == "markdown", b
    t = b["markdown"]["text"]
    for s in ("长荡湖湖心", "总磷(TP)", "Ⅲ类", "限值 0.05 mg/L", "北京时间"):
        assert s in t, (s, t)
    assert ("0.080 mg/L" in t and "Ⅳ类" in t and "触发 FIRING" in t) or \
        ("0.030 mg/L" in t and "恢复 RESOLVED" in t), t
    assert "长荡湖湖心" in b["markdown"]["title"]
print(t)
PYEOF
check "feishu: timestamp+sign in the body = base64(HMAC(ts\\nsecret, \"\"))" \
    "$PY" - "$W/feishu.jsonl" "$FEI" <<'PYEOF'
import base64, hashlib, hmac, json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    b = e["body"]
    ts = b["timestamp"]
    assert isinstance(ts, str) and abs(int(ts) - e["t"]) < 5, (ts, e["t"])
    key = (ts + "\n" + sys.argv[2]).encode()
    want = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest())
    assert b["sign"] == want.decode(), (b["sign"], want)
    assert b["msg_type"] == "text" and "长荡湖湖心" in b["content"]["text"]
PYEOF
check "wecom: text body, no signature, within 2048 bytes" \
    "$PY" - "$W/wecom.jsonl" <<'PYEOF'
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    b = e["body"]
    assert set(b) == {"msgtype", "text"} and b["msgtype"] == "text", b
    c = b["text"]["content"]
    assert len(c.encode()) <= 2048 and "长荡湖湖心" in c and "目标: Ⅲ类" in c
    assert e["path"].endswith("?key=k"), e["path"]
print(c)
PYEOF
check "slack: {\"text\": mrkdwn}" "$PY" - "$W/slack.jsonl" <<'PYEOF'
import json, sys
for l in open(sys.argv[1]):
    b = json.loads(l)["body"]
    assert list(b) == ["text"] and b["text"].startswith("*【"), b
PYEOF
finish
