# Fault: the outbox as a crash mid-write leaves it. A first run files an
# alert cycle while the receiver is down (503) and stops. Then a copy of
# an entry cut in half (a .json torn by a crash) and a half-written
# .json.tmp are added. A second run with the receiver up must deliver the
# intact entries exactly once, move the torn one to deadletter/ with its
# reason (one log line), never send the .tmp, and go on polling and
# delivering new alerts.
. "$(dirname "$0")/../lib.sh"

OB=$W/state/outbox/test
DL=$W/state/deadletter/test
gt() { [ "$("$1")" -gt "$2" ]; }
outbox_n() { ls "$OB" 2>/dev/null | grep -c '\.json$'; }
hook_mode() {
	curl -s -o /dev/null -X POST -d "{\"mode\": \"$1\"}" \
	    "http://127.0.0.1:$HOOK_PORT/_control"
}
# delivered ID: POSTs of event ID the receiver took (2xx)
delivered() {
	"$PY" - "$HOOK_LOG" "$1" <<'PYEOF'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    b = e.get("body")
    if e.get("status") == 200 and isinstance(b, dict) and \
            b.get("event_id") == sys.argv[2]:
        n += 1
print(n)
PYEOF
}
third_in() { [ "$(delivered centre-tp:threshold:3)" -ge 1 ]; }

start_sim --tp-steps "0.030:4,0.061:5,0.030:14,0.061"
start_receiver --mode 503
station_conf "$W/lw.conf" "type = tcp" "host = 127.0.0.1" \
    "port = $SIM_PORT" "timeout = 500ms"
start_daemon "$W/lw.conf"
wait_for 20 gt outbox_n 1
stop_daemon
check "first run: the alert cycle waits in the outbox" test "$(outbox_n)" -eq 2

first=$(ls "$OB" | grep '\.json$' | head -n 1)
torn=${first%%-*}-999999-torn.json
size=$(stat -c %s "$OB/$first")
head -c $((size / 2)) "$OB/$first" >"$OB/$torn"
cp "$OB/$torn" "$W/torn.copy"
head -c $((size / 3)) "$OB/$first" >"$OB/${first%%-*}-999998-crash.json.tmp"
ls -l "$OB"

hook_mode ok
mv "$W/daemon.log" "$W/daemon1.log"
start_daemon "$W/lw.conf"
wait_for 30 third_in
sleep 2		# quiet period: a repeated POST would come now
check "the daemon runs on" kill -0 "$DAEMON_PID"
stop_daemon
check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
grep -E 'outbox|deadletter|unreadable|torn' "$W/daemon.log" | sed 's/^/    | /'

check "the intact firing entry is delivered once" \
    test "$(delivered centre-tp:threshold:1)" -eq 1
check "the intact resolved entry is delivered once" \
    test "$(delivered centre-tp:threshold:2)" -eq 1
check "a new alert after the restart is delivered" \
    test "$(delivered centre-tp:threshold:3)" -eq 1
check "the torn entry: one log line" \
    test "$(grep -c 'torn' "$W/daemon.log")" -eq 1
check "... moved to deadletter/ with a reason, not deleted" eval \
    'test -s "$DL/$torn" && ls "$DL" | grep -v "^$torn\$" | grep -q "^$torn"'
check "... its bytes kept as they were" cmp -s "$DL/$torn" "$W/torn.copy"
check "the .tmp leftover is gone and was never sent" eval \
    '! ls "$OB" | grep -q "\.tmp$" && ! grep -q crash "$HOOK_LOG"'
check "the outbox is empty" test "$(outbox_n)" -eq 0
finish
