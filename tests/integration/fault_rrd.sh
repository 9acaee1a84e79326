# Fault: RRD files go bad. intake-tp.rrd is garbage before the daemon
# starts; centre-tp.rrd is truncated to half while it runs, between the
# alert firing and resolving. Expected: one log line per file (moved
# aside as .bad), a new file that takes values again, polling, the
# sample log and status.json going on without a gap, and the alert cycle
# delivered exactly once.
. "$(dirname "$0")/../lib.sh"

S=$W/state
status_now() {
	"$PY" -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["now"]))' \
	    "$S/status.json" 2>/dev/null || echo 0
}
gt() { [ "$("$1")" -gt "$2" ]; }
rrd_last() { rrdtool last "$S/rrd/centre-tp.rrd" 2>/dev/null || echo 0; }
# logged_gap SENSOR: the longest gap, in s, between sample-log lines
logged_gap() {
	cat "$S"/samples/"$1"/*.csv | tail -n +2 | cut -d, -f1 |
	    while read -r t; do date -d "$t" +%s; done |
	    awk 'NR > 1 && $1 - p > g { g = $1 - p } { p = $1 } END { print g + 0 }'
}

start_sim --tp-steps "0.030:6,0.061:8,0.030"
start_receiver
station_conf "$W/lw.conf" "type = tcp" "host = 127.0.0.1" \
    "port = $SIM_PORT" "timeout = 500ms"
mkdir -p "$S/rrd"
head -c 8192 /dev/urandom >"$S/rrd/intake-tp.rrd"
start_daemon "$W/lw.conf"

wait_for 20 events_ge firing 1
# a whole file, in use: it holds a value
has_values() { rrd_values "$S/rrd/centre-tp.rrd" | grep -q .; }
wait_for 20 has_values || echo "centre-tp.rrd holds no value after 20 s"
size=$(stat -c %s "$S/rrd/centre-tp.rrd")
truncate -s $((size / 2)) "$S/rrd/centre-tp.rrd"
cut_at=$(date +%s)
echo "centre-tp.rrd truncated from $size to $((size / 2)) bytes at $cut_at"
wait_for 30 events_ge resolved 1
wait_for 10 gt rrd_last "$((cut_at + 3))"
t=$(status_now)
wait_for 10 gt status_now "$t"
check "the daemon runs on" kill -0 "$DAEMON_PID"
check "status.json keeps being updated" gt status_now "$t"
stop_daemon
check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
grep -E 'rrd|RRD' "$W/daemon.log" | grep -v created | sed 's/^/    | /'

check "garbage intake-tp.rrd: one log line" \
    test "$(grep -c 'intake-tp.rrd.*not a usable RRD' "$W/daemon.log")" -eq 1
check "... moved aside, and a new file takes values" eval \
    'ls "$S"/rrd/intake-tp.rrd*bad* >/dev/null 2>&1 &&
    rrd_all_within "$S/rrd/intake-tp.rrd" 0.02 0.04'
check "truncated centre-tp.rrd: one log line" \
    test "$(grep -c 'centre-tp.rrd.*not a usable RRD' "$W/daemon.log")" -eq 1
check "... moved aside, and the new file has values after the cut" eval \
    'ls "$S"/rrd/centre-tp.rrd*bad* >/dev/null 2>&1 &&
    test "$(rrdtool last "$S/rrd/centre-tp.rrd")" -gt "$cut_at" &&
    rrd_has "$S/rrd/centre-tp.rrd" 0.030 1e-6'
gap=$(logged_gap centre-tp)
check "the sample log has no gap over 2 s across the cut (longest $gap s)" \
    test "$gap" -le 2
check "exactly one firing and one resolved POST" \
    test "$(events firing)" -eq 1 -a "$(events resolved)" -eq 1
finish
