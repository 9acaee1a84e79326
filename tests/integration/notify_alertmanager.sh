# A real Prometheus Alertmanager (Debian's prometheus-alertmanager) on
# loopback: the alert shows up active with our labels and annotations,
# is re-sent while firing (endsAt moves ahead) also by a daemon restarted
# after kill -9 (the active set is kept in state/alertmanager/am.json),
# and is gone from the active alerts once resolved.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

AM=/usr/bin/prometheus-alertmanager
[ -x "$AM" ] || die "$AM missing (apt-get install prometheus-alertmanager)"
AM_PORT=$(free_port)
cat >"$W/am.yml" <<'YML'
route: {receiver: hook, group_wait: 1s, group_interval: 2s}
receivers: [{name: hook}]
YML
bg alertmanager "$AM" --config.file="$W/am.yml" --storage.path="$W/am" \
    --web.listen-address=127.0.0.1:$AM_PORT --cluster.listen-address=
AMURL=http://127.0.0.1:$AM_PORT
wait_for 15 curl -sf "$AMURL/-/ready" || die "alertmanager not ready"

start_sim --tp-steps "0.030:2,0.080:16,0.030"
station "$W/lw.conf"
cat >>"$W/lw.conf" <<CONF
[webhook am]
url = $AMURL/
format = alertmanager
resend = 5s
resolve_timeout = 20s
generator_url = http://127.0.0.1/lakewatch
CONF
start_daemon "$W/lw.conf"

alerts() { curl -sf "$AMURL/api/v2/alerts?filter=alertname=%22LakewatchThreshold%22"; }
active() { test "$(alerts | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" -ge 1; }
wait_for 15 active || bad "no active alert in alertmanager after 15 s"
alerts >"$W/a1.json"
cat "$W/a1.json"; echo
check "active with our labels and annotations, endsAt ~20 s ahead" \
    "$PY" - "$W/a1.json" <<'PYEOF'
import datetime, json, sys
a, = json.load(open(sys.argv[1]))
assert a["status"]["state"] == "active", a
assert a["labels"] == {"alertname": "LakewatchThreshold", "sensor": "centre-tp",
                       "site": "长荡湖湖心", "parameter": "tp",
                       "kind": "threshold", "severity": "critical"}, a["labels"]
an = a["annotations"]
assert an["value"] == "0.080" and an["limit"] == "0.05", an
assert an["class"] == "IV" and an["target_class"] == "III", an
assert an["unit"] == "mg/L" and an["event_id"] == "centre-tp:threshold:1", an
assert "exceeds" in an["summary"] and "北京时间" in an["description"], an
assert a["generatorURL"] == "http://127.0.0.1/lakewatch", a
ends = datetime.datetime.fromisoformat(a["endsAt"].replace("Z", "+00:00"))
ahead = (ends - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
assert 10 < ahead <= 21, ahead
PYEOF
# alertmanager has it a moment before the daemon saw the 200 and saved
saved() { grep -q '"centre-tp:threshold"' "$W/state/alertmanager/am.json"; }
wait_for 5 saved
check "active set persisted" saved

kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
bg daemon2 $WRAP "$BIN/lakewatchd" -c "$W/lw.conf"
DAEMON_PID=$LAST_PID
# the restarted daemon re-sends at start-up (and every 5 s): until
# alertmanager shows the alert updated after a1
resent() {
	grep -q '1 active alerts from an earlier run' "$W/daemon2.log" &&
	    alerts >"$W/a2.json" && "$PY" - "$W/a1.json" "$W/a2.json" <<'PYEOF'
import json, sys
a1, = json.load(open(sys.argv[1]))
a2, = json.load(open(sys.argv[2]))
sys.exit(not (a2["endsAt"] > a1["endsAt"] and a2["updatedAt"] > a1["updatedAt"]))
PYEOF
}
wait_for 15 resent || echo "alert not re-sent after 15 s"
alerts >"$W/a2.json"
check "restarted daemon loaded and re-sent the active alert" \
    grep -q '1 active alerts from an earlier run' "$W/daemon2.log"
check "endsAt moved ahead by the re-sends" "$PY" - "$W/a1.json" "$W/a2.json" <<'PYEOF'
import json, sys
a1, = json.load(open(sys.argv[1]))
a2, = json.load(open(sys.argv[2]))
print(a1["endsAt"], "->", a2["endsAt"])
assert a2["endsAt"] > a1["endsAt"] and a2["updatedAt"] > a1["updatedAt"]
assert a2["status"]["state"] == "active"
assert a2["annotations"]["event_id"] == "centre-tp:threshold:1"
PYEOF

gone() { test "$(alerts)" = "[]"; }
wait_for 20 gone || bad "alert still active 20 s later"
alerts; echo
check "resolved: no active LakewatchThreshold alert left" gone
check "active set now empty" grep -q '"alerts":{}' "$W/state/alertmanager/am.json"
check "outbox empty" test "$(outbox_n am)" -eq 0
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
grep -E "webhook|alert" "$W/daemon.log" "$W/daemon2.log"
finish
