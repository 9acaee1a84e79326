# SIGHUP: a sensor added starts, the bus keeps its connection, a bad
# config is refused and the old one kept running.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030"
start_receiver
station_conf "$W/lw.conf" "host = 127.0.0.1" "port = $SIM_PORT"
sed -i '/^\[sensor intake-tp\]/,/^status_register/d' "$W/lw.conf"
start_daemon "$W/lw.conf"
wait_for 10 test -f "$W/state/status.json" || die "no status.json"
# the bus connected and polling before the reload
wait_for 10 rows_ge centre-tp N 2 || die "no readings"
cat >>"$W/lw.conf" <<CONF
[sensor intake-tp]
bus = station
unit = 2
register = 0
CONF
kill -HUP "$DAEMON_PID"
wait_for 10 test -f "$W/state/rrd/intake-tp.rrd"
check "added sensor polled after reload" test -f "$W/state/rrd/intake-tp.rrd"
lists_it() {
	"$BIN/lakewatch" status -j -c "$W/lw.conf" >"$W/status.json" &&
	    grep -q '"intake-tp"' "$W/status.json"
}
wait_for 10 lists_it
check "status lists the new sensor" grep -q '"intake-tp"' "$W/status.json"
check "the bus kept its connection (1 connect)" "$PY" -c '
import json, sys
b = json.load(open(sys.argv[1]))["buses"][0]
sys.exit(0 if b["reconnects"] == 1 and b["connected"] else 1)' "$W/status.json"
echo 'bogus line' >>"$W/lw.conf"
kill -HUP "$DAEMON_PID"
wait_for 10 grep -q "reload refused" "$W/daemon.log"
check "bad config refused with FILE:LINE" grep -q "reload refused, keeping the running config: $W/lw.conf:[0-9]*: syntax error" "$W/daemon.log"
n1=$(rows_with intake-tp N)
wait_for 10 rows_ge intake-tp N $((n1 + 2))
check "daemon still running" kill -0 "$DAEMON_PID"
n2=$(rows_with intake-tp N)
check "still polling after the refused reload ($n1 -> $n2 samples)" test "$n2" -gt "$n1"
stop_daemon
check "exit 0" test "$DAEMON_RC" -eq 0
cat "$W/daemon.log"
finish
