# SIGHUP changes log_level while the delivery thread logs (a webhook that
# answers 500): the new level reaches that thread, and the level is one
# atomic value, so a ThreadSanitizer build (make CFLAGS=-fsanitize=thread
# LDFLAGS=-fsanitize=thread) reports no race on it (before: log.c:24).
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.061"
start_receiver --mode 500
station_conf "$W/lw.conf" "host = 127.0.0.1" "port = $SIM_PORT"
start_daemon "$W/lw.conf"
wait_for 20 grep -q "webhook 'test': .*retrying in" "$W/daemon.log" ||
    die "no failing delivery logged"
count() { grep -c "$1" "$W/daemon.log"; }
more() { test "$(count "$1")" -gt "$2"; }
level=info
debug_seen=0
for i in 1 2 3 4 5 6; do
	[ "$level" = info ] && level=debug || level=info
	sed -i "/^log_level = /d; s/^interval = 1$/&\nlog_level = $level/" \
	    "$W/lw.conf"
	fails=$(count "retrying in")
	again=$(count "next try in")
	kill -HUP "$DAEMON_PID"
	wait_for 10 more "^lakewatchd: reloaded" $((i - 1)) ||
	    die "reload $i not done"
	# each reload starts a new delivery thread, which logs a failure
	wait_for 10 more "retrying in" "$fails" || die "no failure logged"
	# and, at debug level, each further one
	[ "$level" = debug ] && wait_for 10 more "next try in" "$again" &&
	    debug_seen=$((debug_seen + 1))
done
check "log_level = debug reached the delivery thread ($debug_seen of 3)" \
    test "$debug_seen" -eq 3
stop_daemon
check "exit 0" test "$DAEMON_RC" -eq 0
check "no data race reported" eval '! grep -q "ThreadSanitizer" "$W/daemon.log"'
grep -v "^lakewatchd: sensor" "$W/daemon.log" | head -80
finish
