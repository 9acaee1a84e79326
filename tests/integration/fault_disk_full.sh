# Fault: the state directory fills up. A small tmpfs is mounted on it (a
# loop-mounted ext2 file if tmpfs cannot be mounted), an alert fires and
# waits in the outbox (the receiver answers 503), then the disk is filled
# and the alert resolves while nothing can be written. Expected: one log
# line per thing that cannot be written (no flood), polling goes on, and
# once space is back the sample log and status.json resume and both the
# alert filed before the disk filled and the one raised while it was full
# are delivered.
. "$(dirname "$0")/../lib.sh"

MNT=$W/state
fault_exit() {
	local pid
	for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	wait 2>/dev/null
	mountpoint -q "$MNT" && umount -l "$MNT"
	cleanup
}
trap fault_exit EXIT

mkdir -p "$MNT"
if mount -t tmpfs -o size=16m,mode=0755 tmpfs "$MNT" 2>/dev/null; then
	echo "state_dir on a 16 MB tmpfs"
elif truncate -s 16M "$W/fs.img" && mkfs.ext2 -q -F "$W/fs.img" &&
    mount -o loop "$W/fs.img" "$MNT" 2>/dev/null; then
	echo "state_dir on a 16 MB loop-mounted ext2"
else
	echo "SKIP: neither a tmpfs nor a loop file system can be mounted here"
	exit 0
fi

enospc() { grep -c 'No space left on device' "$W/daemon.log"; }
requests() {	# Modbus requests lwsim has answered so far
	rm -f "$W/sim.stats"
	kill -USR1 "$SIM_PID"
	wait_for 5 test -s "$W/sim.stats"
	"$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["requests"])' \
	    "$W/sim.stats"
}
status_now() {
	"$PY" -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["now"]))' \
	    "$MNT/status.json" 2>/dev/null || echo 0
}
outbox_n() { ls "$MNT/outbox/test/" 2>/dev/null | grep -c '\.json$'; }
hook_mode() {
	curl -s -o /dev/null -X POST -d "{\"mode\": \"$1\"}" \
	    "http://127.0.0.1:$HOOK_PORT/_control"
}
# delivered STATUS EVENT-ID: POSTs of that event the receiver took (2xx)
delivered() {
	"$PY" - "$HOOK_LOG" "$1" "$2" <<'PYEOF'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    b = e.get("body")
    if e.get("status") == 200 and isinstance(b, dict) and \
            b.get("status") == sys.argv[2] and b.get("event_id") == sys.argv[3]:
        n += 1
print(n)
PYEOF
}
resolved_in() { [ "$(delivered resolved centre-tp:threshold:2)" -ge 1 ]; }
# gt FUNCTION N: FUNCTION's output is greater than N (re-run by wait_for)
gt() { [ "$("$1")" -gt "$2" ]; }
last_logged() {	# unix time of the newest line of centre-tp's sample log
	local f
	f=$(ls "$MNT"/samples/centre-tp/*.csv 2>/dev/null | tail -n 1)
	[ -n "$f" ] || { echo 0; return; }
	date -d "$(tail -n 1 "$f" | cut -d, -f1)" +%s 2>/dev/null || echo 0
}

start_sim --tp-steps "0.030:3,0.061:20,0.030" --stats "$W/sim.stats"
start_receiver --mode 503
station_conf "$W/lw.conf" "type = tcp" "host = 127.0.0.1" \
    "port = $SIM_PORT" "timeout = 500ms"
printf '[daemon]\nstore_batch = 0\n' >>"$W/lw.conf"	# RRD files at once
start_daemon "$W/lw.conf"

wait_for 20 gt outbox_n 0
check "the firing alert is filed in the outbox (receiver down)" \
    test "$(outbox_n)" -eq 1
# the RRD files exist: while full they are updated in place
wait_for 10 test -s "$MNT/rrd/centre-tp.rrd" -a -s "$MNT/rrd/intake-tp.rrd" \
    -a -s "$MNT/rrd/centre-temp.rrd"
cat /dev/zero >"$MNT/filler" 2>/dev/null
df -h "$MNT" | tail -n 1
full_at=$(date +%s)
wait_for 40 grep -q 'alert resolved' "$W/daemon.log"
# what the resolve writes, the outbox entry and the alert state, failed
wait_for 10 grep -q 'outbox.*No space left on device' "$W/daemon.log"
wait_for 10 grep -q 'alert state not saved' "$W/daemon.log"
n1=$(enospc)
r1=$(requests)
sleep 5		# quiet period: no new 'No space left' line may come now
n2=$(enospc)
r2=$(requests)
echo "while full: $n1 -> $n2 'No space left' lines; requests $r1 -> $r2"
grep 'No space left on device' "$W/daemon.log" | sed 's/^/    | /'
check "the daemon runs on with the disk full" kill -0 "$DAEMON_PID"
check "it keeps polling (lwsim answered more requests)" test "$r2" -gt "$r1"
check "the disk-full condition is logged" test "$n1" -ge 1
check "... once per thing, not on every write (no new lines in 5 s)" \
    test "$n2" -eq "$n1" -a "$n1" -le 8
check "the alert raised while full could not be filed, and says so" \
    grep -q "outbox.*No space left on device" "$W/daemon.log"
# status.json is written over its spare's pages (write_swap): while full
# it may go on (when it fits them) or stop, but is never torn or empty
echo "status.json while full: now $(status_now), full at $full_at"
check "status.json stays whole while full" test "$(status_now)" -gt 0

rm -f "$MNT/filler"
freed_at=$(date +%s)
hook_mode ok
wait_for 30 resolved_in
sleep 2		# quiet period: a repeated POST would come now
check "the alert filed before the disk filled is delivered" \
    test "$(delivered firing centre-tp:threshold:1)" -eq 1
check "the alert raised while it was full is delivered once" \
    test "$(delivered resolved centre-tp:threshold:2)" -eq 1
check "the outbox is empty again" test "$(outbox_n)" -eq 0
wait_for 10 gt last_logged "$freed_at"
check "the sample log resumes" test "$(last_logged)" -gt "$freed_at"
wait_for 10 gt status_now "$freed_at"
check "status.json is written again" test "$(status_now)" -gt "$freed_at"
rrd_after() { [ "$(rrdtool last "$MNT/rrd/centre-tp.rrd" 2>/dev/null || echo 0)" -gt "$freed_at" ]; }
wait_for 30 rrd_after
check "the RRD takes values again" rrd_after
stop_daemon
check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
check "state.json is valid after the stop" \
    "$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$MNT/state.json"
finish
