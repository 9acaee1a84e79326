# The real daemon against our simulator over Modbus TCP: values in the RRD,
# exactly one firing and one resolved POST at a real HTTP receiver.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030:6,0.061:6,0.030"
start_receiver
cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
[bus station]
type = tcp
host = 127.0.0.1
port = $SIM_PORT
timeout = 500ms
[sensor centre-tp]
bus = station
unit = 1
register = 0
word_order = cdab
status_register = 2
site = 长荡湖湖心
[sensor centre-temp]
bus = station
unit = 1
parameter = temp
register = 3
[sensor intake-tp]
bus = station
unit = 2
register = 0
word_order = abcd
status_register = 2
[webhook test]
url = $HOOK_URL
CONF
check "config is valid" "$BIN/lakewatchd" -t -c "$W/lw.conf"
start_daemon "$W/lw.conf"
wait_for 40 test "$(events resolved)" -ge 1 || echo "no resolved event in 40 s"
sleep 2		# anything repeated would come now
stop_daemon
check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0

rrd=$W/state/rrd
check "RRD files for all three sensors" test -f "$rrd/centre-tp.rrd" -a \
    -f "$rrd/centre-temp.rrd" -a -f "$rrd/intake-tp.rrd"
rrdtool lastupdate "$rrd/centre-tp.rrd"
rrd_values "$rrd/centre-tp.rrd" | tail -n 20
check "centre-tp stored 0.030" rrd_has "$rrd/centre-tp.rrd" 0.030 1e-6
check "centre-tp stored 0.061" rrd_has "$rrd/centre-tp.rrd" 0.061 1e-6
check "centre-tp only 0.030 or 0.061, never 0" \
    rrd_all_within "$rrd/centre-tp.rrd" 0.0299 0.0611
check "temperature about 12 C" rrd_all_within "$rrd/centre-temp.rrd" 5 20
check "intake about 0.030" rrd_all_within "$rrd/intake-tp.rrd" 0.02 0.04
cat "$HOOK_LOG"
check "exactly one firing POST" test "$(events firing)" -eq 1
check "exactly one resolved POST" test "$(events resolved)" -eq 1
check "firing is centre-tp:threshold:1" test "$(events firing centre-tp:threshold:1)" -eq 1
check "resolved is centre-tp:threshold:2" test "$(events resolved centre-tp:threshold:2)" -eq 1
check "Idempotency-Key is the event_id, site UTF-8 intact, value 0.061" \
    "$PY" - "$HOOK_LOG" <<'PYEOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    b = e["body"]
    assert e["headers"]["idempotency-key"] == b["event_id"], e
    assert b["site"] == "长荡湖湖心", b["site"]
    assert b["limit"] == 0.05 and b["target_class"] == "III", b
    assert b["water_body"] == "lake" and b["parameter"] == "tp", b
    if b["status"] == "firing":
        assert b["value"] == 0.061 and b["class"] == "IV", b
    else:
        assert b["value"] == 0.03 and b["class"] == "III", b
        assert b["started_at"] < b["observed_at"], b
PYEOF
finish
