# SIGTERM while a worker waits in a request to a silent device with
# timeout = 60s: the daemon must exit 0 within the stop bound
# (lakewatchd(8): 2 s for the buses), not after the time-out, and save
# the sample log and state.json of what the answering bus read.
. "$(dirname "$0")/../lib.sh"

BOUND=5		# s; lakewatchd(8) STOPPING, with slack for a loaded machine

start_sim -v	# units 1 and 2 answer; any other unit is silent
cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
[bus good]
host = 127.0.0.1
port = $SIM_PORT
timeout = 500ms
[bus dead]
host = 127.0.0.1
port = $SIM_PORT
timeout = 60s
[sensor good-temp]
bus = good
unit = 1
parameter = temp
register = 3
[sensor dead-tp]
bus = dead
unit = 7
register = 0
CONF
check "config is valid" "$BIN/lakewatchd" -t -c "$W/lw.conf"

csv() { cat "$W"/state/samples/good-temp/*.csv 2>/dev/null; }
asked_dead() { grep -q "unit 7 " "$W/sim.log"; }
lines_ge() { [ "$(csv | wc -l)" -ge "$1" ]; }

start_daemon "$W/lw.conf"
wait_for 10 asked_dead || die "the daemon never asked the silent unit"
wait_for 10 lines_ge 2 || die "no samples from the answering bus"
# one more poll of the answering bus: the dead bus's worker is well
# inside its 60 s wait
wait_for 10 lines_ge 3 || die "no more samples from the answering bus"
before=$(csv | wc -l)
rm -f "$W/state/state.json"
t0=$(date +%s.%N)
stop_daemon
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)
echo "stop took $secs s"
check "exit status 0 (was $DAEMON_RC)" test "$DAEMON_RC" -eq 0
check "stopped within $BOUND s (took $secs s)" \
    test "$(echo "$secs < $BOUND" | bc)" -eq 1
check "sample log kept every line ($before before the stop)" \
    test "$(csv | wc -l)" -ge "$before"
check "state.json saved at stop" \
    "$PY" -c 'import json, sys; d = json.load(open(sys.argv[1]));
assert "good-temp" in d["sensors"] and "dead-tp" in d["sensors"], d' \
    "$W/state/state.json"
check "the stop is logged" grep -q "stopped" "$W/daemon.log"
cat "$W/daemon.log"

# RTU: nothing wakes a worker waiting on a tty, so after 2 s its poll is
# abandoned; the process still exits 0 within the bound, the rest saved.
bg socat socat pty,raw,echo=0,link="$W/ttyA" pty,raw,echo=0,link="$W/ttyB"
wait_for 10 test -e "$W/ttyB" || die "socat did not make the pty pair"
sed -i "s|^\[bus dead\]|[bus dead]\ntype = rtu\ndevice = $W/ttyB|;
    /^\[bus dead\]/,/^\[/{/^host\|^port/d}" "$W/lw.conf"
check "RTU config is valid" "$BIN/lakewatchd" -t -c "$W/lw.conf"
mv "$W/daemon.log" "$W/daemon-tcp.log"
start_daemon "$W/lw.conf"
wait_for 10 grep -q "started:" "$W/daemon.log" || die "no start on RTU"
before=$(csv | wc -l)
wait_for 10 lines_ge $((before + 2)) || die "no samples beside the RTU bus"
# one more poll beside it: the RTU worker is inside its 60 s wait
wait_for 10 lines_ge $((before + 3)) || die "no more samples beside the RTU bus"
before=$(csv | wc -l)
rm -f "$W/state/state.json"
t0=$(date +%s.%N)
stop_daemon
secs=$(echo "$(date +%s.%N) - $t0" | bc)
echo "RTU stop took $secs s"
check "RTU: exit status 0 (was $DAEMON_RC)" test "$DAEMON_RC" -eq 0
check "RTU: stopped within $BOUND s (took $secs s)" \
    test "$(echo "$secs < $BOUND" | bc)" -eq 1
check "RTU: the request under way was abandoned" \
    grep -q "bus 'dead': stopping: a request still under way is abandoned" \
    "$W/daemon.log"
check "RTU: sample log kept every line" test "$(csv | wc -l)" -ge "$before"
check "RTU: state.json saved at stop" test -s "$W/state/state.json"
cat "$W/daemon.log"
finish
