# A reload that shortens the interval (10 s -> 2 s, so stale_after 30 s ->
# 6 s) 8 s after a reading fires no stale alert: staleness is judged from
# the new schedule's first poll, not from a reading the old one spaced.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030"
start_receiver
station_conf "$W/lw.conf" "host = 127.0.0.1" "port = $SIM_PORT"
sed -i 's/^interval = 1$/interval = 10/' "$W/lw.conf"
grep -q '^interval = 10$' "$W/lw.conf" || die "interval not set"
LOG=$W/state/samples/centre-tp

samples() { cat "$LOG"/*.csv 2>/dev/null | wc -l; }
samples_ge() { [ "$(samples)" -ge "$1" ]; }
# the slot (unix s) of the newest reading of centre-tp
newest_slot() {
	"$PY" - "$LOG" <<'PYEOF'
import datetime, glob, sys
last = max(open(f).read().splitlines()[-1] for f in glob.glob(sys.argv[1] + "/*.csv"))
t = datetime.datetime.strptime(last.split(",")[0], "%Y-%m-%dT%H:%M:%SZ")
print(int(t.replace(tzinfo=datetime.timezone.utc).timestamp()))
PYEOF
}

start_daemon "$W/lw.conf"
# the second reading: the daemon is past its start and grace by the reload
wait_for 25 samples_ge 2 || die "no readings"
t=$(newest_slot)
# 8 s after that reading: past the new stale_after, before the next slot
# (deliberate: a moment in the old schedule, not a condition)
sleep "$("$PY" -c "import time; print(max(0, $t + 8 - time.time()))")"
sed -i 's/^interval = 10$/interval = 2/' "$W/lw.conf"
n=$(samples)
kill -HUP "$DAEMON_PID"
wait_for 10 grep -q "reloaded" "$W/daemon.log" || die "no reload"
check "polled on the new interval (3 readings in 8 s)" \
    wait_for 8 samples_ge $((n + 3))
sleep 1		# quiet period: a stale alert would be filed now
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
cat "$HOOK_LOG"
grep -E "reloaded|alert" "$W/daemon.log"
check "no stale alert posted" test "$(grep -c '"stale"' "$HOOK_LOG")" -eq 0
check "no alert filed" test "$(grep -c 'alert firing' "$W/daemon.log")" -eq 0
finish
