# tests/lib.sh: helpers for the integration tests (bash). Source it first.
# Everything runs on loopback with ephemeral ports; every process a test
# starts is recorded and ended by PID on exit; KEEP=1 keeps the work dir.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$TOP/bin
PY=/usr/bin/python3		# pymodbus lives here; not a pyenv shim
W=$(mktemp -d "${TMPDIR:-/tmp}/lakewatch-test.XXXXXX")
PIDS=()
FAILS=0
CHECKS=0
# a daemon under test must not send our loopback traffic to a proxy
unset http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY

cleanup() {
	local i pid
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		pid=${PIDS[i]}
		kill -TERM "$pid" 2>/dev/null || continue
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

# bg NAME CMD...: start CMD in the background, output in $W/NAME.log;
# sets LAST_PID.
bg() {
	local name=$1
	shift
	"$@" >"$W/$name.log" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while ((n-- > 0)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

ok() { CHECKS=$((CHECKS + 1)); echo "ok   $*"; }
bad() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL $*"; }
# check "what" CMD...: ok if CMD succeeds
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
die() { echo "FAIL $*"; exit 1; }
# finish: the test's exit status
finish() {
	echo "$CHECKS checks, $FAILS failed"
	[ "$FAILS" -eq 0 ] && [ "$CHECKS" -gt 0 ]
}

# start_sim ARGS...: lwsim on 127.0.0.1, ephemeral port -> SIM_PORT
start_sim() {
	rm -f "$W/sim.port"
	bg sim "$BIN/lwsim" --tcp 127.0.0.1:0 --port-file "$W/sim.port" "$@"
	SIM_PID=$LAST_PID
	wait_for 10 test -s "$W/sim.port" || die "lwsim did not start"
	SIM_PORT=$(head -n 1 "$W/sim.port")
}

# start_receiver ARGS...: the HTTP receiver -> HOOK_URL, HOOK_LOG
start_receiver() {
	rm -f "$W/hook.port"
	HOOK_LOG=$W/hook.jsonl
	bg receiver "$PY" "$TOP/tests/peers/receiver.py" --port-file \
	    "$W/hook.port" --log "$HOOK_LOG" "$@"
	RECEIVER_PID=$LAST_PID
	wait_for 10 test -s "$W/hook.port" || die "receiver did not start"
	HOOK_PORT=$(head -n 1 "$W/hook.port")
	HOOK_URL=http://127.0.0.1:$HOOK_PORT/hook
	touch "$HOOK_LOG"
}

# start_daemon CONF [ARGS...]: lakewatchd in the foreground of a bg job
start_daemon() {
	local conf=$1
	shift
	bg daemon $WRAP "$BIN/lakewatchd" -c "$conf" "$@"
	DAEMON_PID=$LAST_PID
}

# stop_daemon: SIGTERM, wait; sets DAEMON_RC
stop_daemon() {
	kill -TERM "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID"
	DAEMON_RC=$?
}

# events STATUS [EVENT_ID-PREFIX]: how many POSTs with body.status STATUS
events() {
	"$PY" - "$HOOK_LOG" "$1" "${2:-}" <<'PYEOF'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    b = e.get("body")
    if isinstance(b, dict) and b.get("status") == sys.argv[2] and \
            str(b.get("event_id", "")).startswith(sys.argv[3]):
        n += 1
print(n)
PYEOF
}

# rrd_values FILE: "time value" lines of the finest AVERAGE archive,
# only rows with a value (UNKNOWN rows are left out)
rrd_values() {
	local last
	last=$(rrdtool last "$1")
	rrdtool fetch "$1" AVERAGE -s "$((last - 600))" -e "$last" |
	    awk -F': ' 'NF == 2 && $2 !~ /nan/ { printf "%s %.9g\n", $1, $2 }'
}

# rrd_has FILE VALUE TOL: some stored value within TOL of VALUE
rrd_has() {
	rrd_values "$1" | awk -v v="$2" -v tol="$3" \
	    '{ d = $2 - v; if (d < 0) d = -d; if (d <= tol) f = 1 } END { exit !f }'
}

# rrd_all_within FILE LO HI: every stored value in [LO, HI]
rrd_all_within() {
	rrd_values "$1" | awk -v lo="$2" -v hi="$3" \
	    'BEGIN { n = 0 } { n++; if ($2 < lo || $2 > hi) bad = 1 } END { exit bad || n == 0 }'
}
