# tests/store_lib.sh: helpers for the RRD store tests (store_*.sh), on top
# of tests/lib.sh (source that first): a real rrdcached, the daemon under
# a log name, and comparisons of the RRD against the sample log.
: "${WRAP:=}"
RRDC_SOCK=$W/rrdcached.sock

# rrdc_start: rrdcached on $RRDC_SOCK for $W/state/rrd (-B: only there);
# sets RRDC_PID. A socket left by a killed one is replaced.
rrdc_start() {
	mkdir -p "$W/state/rrd" "$W/journal"
	rm -f "$RRDC_SOCK"
	bg "rrdcached-$(date +%s%N)" rrdcached -l "unix:$RRDC_SOCK" \
	    -p "$W/rrdcached.pid" -j "$W/journal" -b "$W/state/rrd" -B -F -g
	RRDC_PID=$LAST_PID
	wait_for 10 rrdc_ping || die "rrdcached did not start"
}

# rrdc_ping: rrdcached answers PING
rrdc_ping() {
	"$PY" - "$RRDC_SOCK" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(1)
s.connect(sys.argv[1])
s.sendall(b"PING\n")
sys.exit(0 if s.recv(64).startswith(b"0 PONG") else 1)
PYEOF
}

# central_start: a central rrdcached on TCP 127.0.0.1:$RRDC_PORT for
# $BASE (-b BASE -B -R: relative names resolve under BASE, station
# directories made on CREATE); RRDC_PID. The caller sets BASE and
# RRDC_PORT (free_port) once, so a restart listens where it did.
central_start() {
	mkdir -p "$BASE" "$W/journal"
	bg "rrdcached-$(date +%s%N)" rrdcached -l "127.0.0.1:$RRDC_PORT" \
	    -p "$W/rrdcached.pid" -j "$W/journal" -b "$BASE" -B -R -F -g
	RRDC_PID=$LAST_PID
	wait_for 10 central_ping || die "rrdcached did not start"
}

central_ping() {
	"$PY" - "$RRDC_PORT" <<'PYEOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
s.sendall(b"PING\n")
sys.exit(0 if s.recv(64).startswith(b"0 PONG") else 1)
PYEOF
}

# rrdc_kill: SIGKILL, as a crash would (unjournaled updates are lost)
rrdc_kill() {
	kill -KILL "$RRDC_PID"
	wait "$RRDC_PID" 2>/dev/null
}

# lwd_start NAME CONF: the daemon, output in $W/NAME.log; DAEMON_PID
lwd_start() {
	bg "$1" $WRAP "$BIN/lakewatchd" -c "$2"
	DAEMON_PID=$LAST_PID
}

# samples_n SENSOR: lines with flag N in its sample log so far
samples_n() {
	cat "$W"/state/samples/"$1"/*.csv 2>/dev/null | grep -c ',N,'
}

# wait_samples SECONDS SENSOR N: until SENSOR has N valid samples
wait_samples() {
	local n=$(($1 * 10))
	while ((n-- > 0)); do
		[ "$(samples_n "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# store_compare SENSOR [SINCE]: every valid sample in the log (from unix
# time SINCE on) has the same value in the RRD's finest archive (read
# with rrdtool fetch, so through rrdcached's flush when RRDCACHED_ADDRESS
# is set), and every RRD value between the first and the last sample is
# a logged one. Prints a summary; exit status 0 if nothing is missing or
# different. With STORE_DAEMON=ADDR the RRD is $STORE_RRD (a name on
# the daemon's side, e.g. station/sensor.rrd) read through the rrdcached
# at ADDR (rrdtool info/fetch --daemon), as another host would read it.
store_compare() {
	"$PY" - "${STORE_RRD:-$W/state/rrd/$1.rrd}" "${2:-0}" \
	    "$W"/state/samples/"$1"/*.csv <<'PYEOF'
import calendar, math, os, subprocess, sys, time
rrd, since, logs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
via = ["--daemon", os.environ["STORE_DAEMON"]] \
    if os.environ.get("STORE_DAEMON") else []
want = {}
rows = set()	# a row of any flag
for path in logs:
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split(",")
        if f[0] == "time" or len(f) < 3:
            continue
        t = calendar.timegm(time.strptime(f[0], "%Y-%m-%dT%H:%M:%SZ"))
        rows.add(t)
        if f[2] == "N" and t >= since:
            want[t] = float(f[1])
if not want:
    sys.exit("no valid samples logged")
lo, hi = min(want), max(want)
step = int(subprocess.run(["rrdtool", "info"] + via + [rrd],
    capture_output=True, text=True, check=True).stdout.split("step = ")[1]
    .split()[0])
out = subprocess.run(["rrdtool", "fetch"] + via + [rrd, "AVERAGE", "-r",
    str(step), "-s", str(lo - 2 * step), "-e", str(hi + step)],
    capture_output=True, text=True, check=True).stdout
have = {}
for line in out.splitlines():
    if ":" not in line:
        continue
    t, v = line.split(":", 1)
    v = v.strip()
    if v not in ("-nan", "nan", "NaN"):
        have[int(t)] = float(v)
missing = [t for t in sorted(want) if t not in have]
# the log keeps 7 significant digits (%.7g), the RRD the whole double
def tol(v):
    return max(1e-6, 0.5 * 10 ** (math.floor(math.log10(abs(v))) - 6)) \
        if v else 1e-6
differ = [t for t in sorted(want) if t in have and
          abs(have[t] - want[t]) > tol(want[t])]
# A second with no row at all (no poll: a daemon under valgrind misses
# some) is filled by rrdtool with the next update's value, within the
# heartbeat: not an extra. A value where a row says "not N" is one.
def filled(t):
    nxt = min((u for u in want if u > t), default=None)
    return t not in rows and nxt is not None and \
        abs(have[t] - want[nxt]) <= tol(want[nxt])
extra = [t for t in sorted(have) if lo <= t <= hi and t not in want and
         not filled(t)]
print("%s: %d valid samples %d..%d (%d s), %d RRD values; missing %d, "
      "different %d, extra %d" % (rrd.split("/")[-1], len(want), lo, hi,
      hi - lo + 1, len(have), len(missing), len(differ), len(extra)))
for t in missing[:10]:
    print("  missing %d (logged %g)" % (t, want[t]))
for t in differ[:10]:
    print("  at %d: RRD %g, logged %g" % (t, have[t], want[t]))
sys.exit(1 if missing or differ or extra else 0)
PYEOF
}

# store_conf [DAEMON-KEY...]: $W/lw.conf with the station's two TP sensors
# on the simulator at $SIM_PORT, every second, readings to the store at
# once; extra [daemon] lines as arguments
store_conf() {
	cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
store_batch = 0
$*
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
