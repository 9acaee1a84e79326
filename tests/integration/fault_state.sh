# Fault: state.json (the alert state) is garbage at start: random bytes,
# a file torn in half, and JSON of the wrong shape. Each time: one log
# line, the file moved aside to state.json.bad (kept for a look), the
# daemon starts afresh and polls; on the first run the alert cycle is
# judged and delivered as usual, and every run leaves a valid state.json.
. "$(dirname "$0")/../lib.sh"

S=$W/state
valid_state() {
	"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert "centre-tp" in d["sensors"]' \
	    "$S/state.json"
}
rows() { cat "$S"/samples/centre-tp/*.csv 2>/dev/null | wc -l; }
# polled N: N more rows of centre-tp than when the last run started
polled() { test "$(rows)" -ge $((ROWS0 + $1)); }
# run NAME: start on the state.json in place, check the refusal
run() {
	local name=$1 n
	ROWS0=$(rows)
	cp "$S/state.json" "$W/$name.state"
	rm -f "$S/state.json.bad"
	start_daemon "$W/lw.conf"
	wait_for 10 test -f "$S/state.json.bad"
	# the file is moved aside, then the line logged: wait for both
	wait_for 10 grep -aq 'alert state' "$W/daemon.log"
	n=$(grep -ac 'alert state' "$W/daemon.log")
	grep -a 'alert state' "$W/daemon.log" | sed 's/^/    | /'
	check "$name: one log line about it" test "$n" -eq 1
	check "$name: moved aside to state.json.bad, bytes intact" \
	    cmp -s "$S/state.json.bad" "$W/$name.state"
}

start_sim --tp-steps "0.030:4,0.061:5,0.030"
start_receiver
station_conf "$W/lw.conf" "type = tcp" "host = 127.0.0.1" \
    "port = $SIM_PORT" "timeout = 500ms"
mkdir -p "$S"

head -c 3000 /dev/urandom >"$S/state.json"
run "random bytes"
wait_for 30 events_ge resolved 1
sleep 1		# quiet period: a repeated POST would come now
check "random bytes: the daemon runs on" kill -0 "$DAEMON_PID"
stop_daemon
check "random bytes: exits 0" test "$DAEMON_RC" -eq 0
check "random bytes: the alert cycle is delivered, once each" \
    test "$(events firing)" -eq 1 -a "$(events resolved)" -eq 1
check "random bytes: a valid state.json again" valid_state

mv "$W/daemon.log" "$W/daemon1.log"
size=$(stat -c %s "$S/state.json")
head -c $((size / 2)) "$S/state.json" >"$W/torn" && mv "$W/torn" "$S/state.json"
run "torn in half"
# two readings judged on the fresh state (an alert sent again would be
# made at the first)
wait_for 10 polled 2 || echo "fewer than 2 readings in 10 s"
stop_daemon
check "torn in half: exits 0 with a valid state.json" eval \
    'test "$DAEMON_RC" -eq 0 && valid_state'

mv "$W/daemon.log" "$W/daemon2.log"
echo '{"version": 1, "sensors": {"centre-tp": {"last_valid": "x", "rules": []}}}' \
    >"$S/state.json"
run "wrong shape"
wait_for 10 polled 2 || echo "fewer than 2 readings in 10 s"
stop_daemon
check "wrong shape: exits 0 with a valid state.json" eval \
    'test "$DAEMON_RC" -eq 0 && valid_state'
check "no alert was sent again by the restarts" \
    test "$(events firing)" -eq 1 -a "$(events resolved)" -eq 1
finish
