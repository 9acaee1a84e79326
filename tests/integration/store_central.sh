# Many stations, one central rrdcached over TCP ([daemon] station): a
# real rrdcached on loopback (-b BASE -B -R: relative names resolve under
# BASE, station directories made on CREATE) and two daemons, stations
# "lake-a" and "lake-b", both with sensors named centre-tp and intake-tp,
# writing at once. (a) each station's files are BASE/<station>/<s>.rrd,
# made through CREATE, holding its own simulator's values (0.030 for A,
# 0.061 for B); (b) rrdcached SIGKILLed mid-run and restarted: after it
# is back every valid sample of both stations is in the RRDs; (c) import
# and graph agree on where a station's files are.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/store_lib.sh"

BASE=$W/central
RRDC_PORT=$("$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

# station_dir NAME TP: $W/NAME/lw.conf, station NAME on a simulator of
# its own serving TP on unit 1
station_dir() {
	start_sim --tp-steps "$2"
	mkdir -p "$W/$1"
	cat >"$W/$1/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
store_batch = 0
rrdcached = 127.0.0.1:$RRDC_PORT
station = $1
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
[sensor intake-tp]
bus = station
unit = 2
register = 0
status_register = 2
CONF
}

# on STATION FUNC ARGS...: a store_lib.sh helper on STATION's state dir,
# whose rrd/ is the station's directory on the central side
on() {
	local st=$1
	shift
	W=$W/$st "$@"
}

central_start
station_dir lake-a 0.030
station_dir lake-b 0.061
lwd_start lake-a "$W/lake-a/lw.conf"
PID_A=$DAEMON_PID
lwd_start lake-b "$W/lake-b/lw.conf"
PID_B=$DAEMON_PID
both() { test "$(on lake-a samples_n "$1")" -ge "$2" -a \
    "$(on lake-b samples_n "$1")" -ge "$2"; }
wait_for 20 both centre-tp 8 || die "too few samples in 20 s"

# (a) the files, made through rrdcached, one directory per station
check "(a) lake-a/centre-tp.rrd made on the central side" \
    test -f "$BASE/lake-a/centre-tp.rrd"
check "(a) lake-b/centre-tp.rrd made on the central side" \
    test -f "$BASE/lake-b/centre-tp.rrd"
check "(a) no RRD under either station's state_dir" \
    test ! -e "$W/lake-a/state/rrd" -a ! -e "$W/lake-b/state/rrd"
check "(a) created through CREATE, by name" \
    grep -q "created lake-a/centre-tp.rrd" "$W/lake-a.log"

# (c) the tool agrees: `lakewatch import` for a third station goes to
# BASE/lake-c/ through rrdcached (nothing relative to the cwd); `graph`,
# which reads files, says where they are
mkdir -p "$W/tool-c"
sed 's/^station = lake-a/station = lake-c/' "$W/lake-a/lw.conf" \
    >"$W/tool-c/lw.conf"
"$PY" - "$W/c.csv" <<'PYEOF'
import sys, time
t0 = int(time.time()) - 300
with open(sys.argv[1], "w") as f:
    f.write("time,value,flag\n")
    for i in range(5):
        f.write("%s,%.3f,N\n" % (time.strftime("%Y-%m-%dT%H:%M:%SZ",
            time.gmtime(t0 + i)), 0.041 + i / 1000))
PYEOF
(cd "$W/tool-c" && "$BIN/lakewatch" import -c lw.conf centre-tp \
    "$W/c.csv") >"$W/import.out" 2>&1
IMP_RC=$?
cat "$W/import.out"
check "(c) import into station lake-c exits 0" test "$IMP_RC" -eq 0
check "(c) its file is BASE/lake-c/centre-tp.rrd, none beside us" \
    test -f "$BASE/lake-c/centre-tp.rrd" -a ! -e "$W/tool-c/lake-c"
lastc() { rrdtool lastupdate "$BASE/lake-c/centre-tp.rrd" | tail -n 1 |
    grep -q ' 0.045'; }
wait_for 10 lastc || echo "lake-c's last value not 0.045"
check "(c) it holds the imported values (last 0.045)" lastc
"$BIN/lakewatch" graph -c "$W/lake-a/lw.conf" --sensor centre-tp \
    -o "$W/g.png" >"$W/graph.out" 2>&1
GRAPH_RC=$?
cat "$W/graph.out"
check "(c) graph refuses, naming the central host" test "$GRAPH_RC" -ne 0 \
    -a "$(grep -c "central rrdcached's host" "$W/graph.out")" -eq 1

# (b) kill rrdcached hard mid-run, keep it away ~3 s, bring it back
before=$(on lake-b samples_n centre-tp)
rrdc_kill
sleep 3		# deliberate: rrdcached away ~3 s while both poll
central_start
back() { grep -q "is back" "$W/lake-a.log" && grep -q "is back" \
    "$W/lake-b.log"; }
wait_for 20 back || echo "no reconnect logged"
wait_for 20 both centre-tp $((before + 8)) || echo "few samples after"

DAEMON_PID=$PID_A stop_daemon
RC_A=$DAEMON_RC
DAEMON_PID=$PID_B stop_daemon
RC_B=$DAEMON_RC
check "both daemons exit 0" test "$RC_A" -eq 0 -a "$RC_B" -eq 0
grep -hE "store|rrdcached" "$W/lake-a.log" "$W/lake-b.log"
check "(b) each daemon logged the outage and the return" test \
    "$(grep -c 'buffering updates' "$W/lake-a.log")" -ge 1 -a \
    "$(grep -c 'is back' "$W/lake-b.log")" -ge 1
check "(b) nothing left unwritten at stop" \
    test "$(cat "$W"/lake-*.log | grep -c 'not written')" -eq 0

# the stops flushed through rrdcached; read the central files directly
ln -s "$BASE/lake-a" "$W/lake-a/state/rrd"
ln -s "$BASE/lake-b" "$W/lake-b/state/rrd"
for st in lake-a lake-b; do
	for s in centre-tp intake-tp; do
		check "(b) $st $s: every valid sample in its RRD" \
		    on $st store_compare $s
	done
done
# each station's own values: its simulator's, not the other's
last_is() {
	rrdtool lastupdate "$BASE/$1/centre-tp.rrd" | tail -n 1 |
	    awk -v v="$2" '{ d = $2 - v; exit !(d < 1e-6 && d > -1e-6) }'
}
check "(b) lake-a/centre-tp last is 0.030" last_is lake-a 0.030
check "(b) lake-b/centre-tp last is 0.061" last_is lake-b 0.061
check "(b) lake-b's run spanned the outage" test \
    "$(on lake-b samples_n centre-tp)" -ge $((before + 8))
finish
