# Prometheus /metrics: the daemon polls lwsim and reports to the HJ 212
# platform peer; [daemon] metrics = 127.0.0.1:0 binds a free port, which
# status.json "metrics" names. A scrape with curl holds the sensor's
# value, flag, class and alert, the bus and uplink counters, and passes
# Debian's `promtool check metrics`. A reload to another address moves
# the server; without the key nothing listens.
. "$(dirname "$0")/../lib.sh"

PROMTOOL=$(command -v promtool) ||
    die "promtool missing (apt-get install prometheus)"
MN=010000A8900016F000169DC0

# status KEY: status.json's top-level KEY ("None" when null)
status() {
	"$PY" -c 'import json, sys
print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
	    "$W/state/status.json" "$1" 2>/dev/null
}
metrics_is() { [ "$(status metrics)" = "$1" ]; }
addr_is_not() { a=$(status metrics) && [ -n "$a" ] && [ "$a" != "$1" ]; }
scrape() { curl -sf -o "$W/m.txt" "http://$ADDR/metrics"; }
# series LINE-PREFIX: the value of the series that starts with it
series() { awk -v p="$1" 'index($0, p " ") == 1 { print $NF }' "$W/m.txt"; }
firing_scraped() {
	scrape && [ "$(series 'lakewatch_sensor_alert_firing{sensor="centre-tp",site="长荡湖湖心",parameter="tp"}')" = 1 ] &&
	    [ "$(series 'lakewatch_uplink_acked_packets_total{uplink="prov"}')" -ge 1 ]
}
# listening ADDR: a TCP socket listens on exactly ADDR
listening() { ss -Hltn "( sport = :${1##*:} )" | grep -qF " $1 "; }
daemon_listens() { ss -Hltnp | grep -q "pid=$DAEMON_PID,"; }
not() { ! "$@"; }

start_sim --tp-steps "0.030:3,0.061"
rm -f "$W/plat.port"
bg platform "$PY" "$TOP/tests/peers/platform.py" --port-file "$W/plat.port" \
    --log "$W/platform.jsonl"
wait_for 10 test -s "$W/plat.port" || die "platform did not start"
HOOK_URL=http://127.0.0.1:9/hook	# refused: the event waits in the outbox
station_conf "$W/lw.conf" "host = 127.0.0.1" "port = $SIM_PORT" \
    "timeout = 500ms"
cat >>"$W/lw.conf" <<CONF
[uplink prov]
host = 127.0.0.1
port = $(head -n 1 "$W/plat.port")
mn = $MN
pw = 123456
period = 10
CONF
cp "$W/lw.conf" "$W/off.conf"
sed -i 's/^interval = 1$/&\nmetrics = 127.0.0.1:0/' "$W/lw.conf"
check "config is valid" "$BIN/lakewatchd" -t -c "$W/lw.conf"
check "-T prints the key" grep -qx "metrics = 127.0.0.1:0" \
    <("$BIN/lakewatchd" -T -c "$W/lw.conf")
sed 's/^metrics = .*/metrics = localhost:9100/' "$W/lw.conf" >"$W/bad.conf"
check "a host name is refused with FILE:LINE" grep -q \
    "^$W/bad.conf:4: metrics: bad address 'localhost:9100'" \
    <("$BIN/lakewatchd" -t -c "$W/bad.conf" 2>&1)

start_daemon "$W/lw.conf"
wait_for 10 addr_is_not None || die "no metrics address in status.json"
ADDR=$(status metrics)
echo "metrics at $ADDR"
check "bound to a real port on 127.0.0.1" test "${ADDR%:*}" = 127.0.0.1 -a \
    "${ADDR##*:}" -gt 0
check "listens on the configured address only" listening "$ADDR"
check "ss sees the daemon's socket" daemon_listens
check "alert firing and an uplink ack in a scrape" wait_for 40 firing_scraped
cp "$W/m.txt" "$W/scrape1.txt"
cp "$W/state/status.json" "$W/status1.json"
check "promtool check metrics accepts it" "$PROMTOOL" check metrics \
    <"$W/m.txt"
"$PROMTOOL" check metrics <"$W/m.txt"
labels='{sensor="centre-tp",site="长荡湖湖心",parameter="tp"}'
check "value 0.061" test "$(series "lakewatch_sensor_value$labels")" = 0.061
check "flag N is 1" test "$(series "lakewatch_sensor_flag${labels%\}},flag=\"N\"}")" = 1
check "flag B is 0" test "$(series "lakewatch_sensor_flag${labels%\}},flag=\"B\"}")" = 0
check "class IV (4)" test "$(series "lakewatch_sensor_class$labels")" = 4
check "temperature has no class" test -z \
    "$(series 'lakewatch_sensor_class{sensor="centre-temp",site="",parameter="temp"}')"
check "one HELP and one TYPE per family" "$PY" - "$W/m.txt" <<'PYEOF'
import collections, sys
help_, type_, seen = collections.Counter(), collections.Counter(), set()
for line in open(sys.argv[1], encoding="utf-8"):
    w = line.split()
    if w[:2] == ["#", "HELP"]: help_[w[2]] += 1
    elif w[:2] == ["#", "TYPE"]: type_[w[2]] += 1
    else: seen.add(w[0].split("{")[0])
assert set(help_) == set(type_) and max(help_.values()) == 1, help_
assert max(type_.values()) == 1, type_
assert all(n.startswith("lakewatch_") for n in seen), seen
PYEOF
check "bus counters no more than status.json's, written after" \
    "$PY" - "$W/m.txt" "$W/status1.json" <<'PYEOF'
import json, sys
m = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.startswith("#"):
        k, v = line.rsplit(" ", 1)
        m[k] = float(v)
st = json.load(open(sys.argv[2]))
b = st["buses"][0]
for name, key in (("requests", "requests"), ("responses", "ok"),
                  ("timeouts", "timeouts"), ("polls", "polls")):
    v = m['lakewatch_bus_%s_total{bus="station"}' % name]
    assert v <= b[key], (name, v, b[key])
assert m['lakewatch_bus_requests_total{bus="station"}'] > 0
assert m['lakewatch_bus_request_duration_seconds_count{bus="station"}'] > 0
assert m['lakewatch_bus_connected{bus="station"}'] == 1
assert m['lakewatch_uplink_connected{uplink="prov"}'] == 1
assert m['lakewatch_uplink_backlog_packets{uplink="prov"}'] >= 0
assert m['lakewatch_store_up{backend="file"}'] == 1
assert m['lakewatch_outbox_events'] >= 1      # the webhook is unreachable
assert m['lakewatch_alerts_firing'] == st["core"]["alerts_firing"]
PYEOF
check "another path is 404" test "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://$ADDR/")" = 404
check "POST is 405" test "$(curl -s -o /dev/null -w '%{http_code}' \
    -X POST "http://$ADDR/metrics")" = 405

# reload onto another address: the old socket closes, the new one serves
OLD=$ADDR
sed -i 's/^metrics = .*/metrics = 127.0.0.2:0/' "$W/lw.conf"
kill -HUP "$DAEMON_PID"
check "status.json names the new address" wait_for 10 addr_is_not "$OLD"
ADDR=$(status metrics)
check "served on $ADDR after the reload" wait_for 5 scrape
check "nothing on $OLD any more" not listening "$OLD"
# reload without the key: nothing listens
sed -i '/^metrics = /d' "$W/lw.conf"
kill -HUP "$DAEMON_PID"
check "status.json metrics null" wait_for 10 metrics_is None
check "the daemon listens on no port" not daemon_listens
stop_daemon
check "exit 0" test "$DAEMON_RC" -eq 0

# off by default: a start without the key opens no socket
rm -f "$W/state/status.json"
start_daemon "$W/off.conf"
check "status.json written" wait_for 10 metrics_is None
check "off by default: no listening socket" not daemon_listens
stop_daemon
check "exit 0 (off)" test "$DAEMON_RC" -eq 0
cat "$W/daemon.log"
finish
