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

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds. (Its
# counter has a name of its own: CMD may read the caller's n.)
wait_for() {
	local wait_for_tries=$(($1 * 10))
	shift
	while ((wait_for_tries-- > 0)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# rows_with SENSOR FLAG: rows of SENSOR's sample log with flag FLAG (N,
# B, D, M...) so far
rows_with() {
	cat "$W"/state/samples/"$1"/*.csv 2>/dev/null | grep -c ",$2,"
}

# rows_ge SENSOR FLAG N: at least N rows with flag FLAG in SENSOR's
# sample log (for wait_for, which must re-count on every try)
rows_ge() { [ "$(rows_with "$1" "$2")" -ge "$3" ]; }

# status_after T: $W/state/status.json was written at unix time T or
# later (its "now"), so it counts everything done before T
status_after() {
	"$PY" -c 'import json, sys
sys.exit(json.load(open(sys.argv[1]))["now"] < float(sys.argv[2]))' \
	    "$W/state/status.json" "$1" 2>/dev/null
}

# status_samples_ge N: $W/state/status.json counts at least N samples
status_samples_ge() {
	"$PY" -c 'import json, sys
sys.exit(json.load(open(sys.argv[1]))["core"]["samples"] < int(sys.argv[2]))' \
	    "$W/state/status.json" "$1" 2>/dev/null
}

# status_writes SECONDS: how often $W/state/status.json is written in
# the next SECONDS. A write is a new inode, or the other of write_swap's
# two, or a new mtime.
status_writes() {
	"$PY" - "$W/state/status.json" "$1" <<'PYEOF'
import os, sys, time
seen, n, end = None, 0, time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        st = os.stat(sys.argv[1])
        key = (st.st_ino, st.st_mtime_ns)
    except OSError:
        key = None
    if key is not None and key != seen:
        n += seen is not None
        seen = key
    time.sleep(0.01)
print(n)
PYEOF
}

# status_has_rows SLACK: status.json counts every row of the sample log
# but SLACK (samples of a round it has not written yet)
status_has_rows() {
	"$PY" -c 'import glob, json, sys
rows = sum(1 for f in glob.glob(sys.argv[2] + "/*/*.csv")
           for l in open(f) if l[:1].isdigit())
s = json.load(open(sys.argv[1]))["core"]["samples"]
sys.exit(not (rows > 0 and s >= rows - int(sys.argv[3])))' \
	    "$W/state/status.json" "$W/state/samples" "$1"
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

# start_platform ARGS...: tests/peers/platform.py (an HJ 212 platform) on
# 127.0.0.1, logging to $PLOG -> PLAT_PORT, PLAT_PID
start_platform() {
	rm -f "$W/plat.port"
	bg platform "$PY" "$TOP/tests/peers/platform.py" --port-file \
	    "$W/plat.port" --log "$PLOG" "$@"
	PLAT_PID=$LAST_PID
	wait_for 10 test -s "$W/plat.port" || die "platform did not start"
	PLAT_PORT=$(head -n 1 "$W/plat.port")
}

# plat_count LOG CN [ok|bad|KEY]: packets CN the platform of LOG got
# (start_platform's --log), the accepted (ok) or refused (bad) ones, or
# those with CP item KEY; 0 before the log exists
plat_count() {
	"$PY" -c 'import json, sys
w = sys.argv[3] if len(sys.argv) > 3 else None
def want(r):
    if w in ("ok", "bad"):
        return r["ok"] == (w == "ok")
    return w is None or w in r.get("cp", {})
print(sum(1 for r in map(json.loads, open(sys.argv[1]))
    if r.get("cn") == sys.argv[2] and not r.get("sent") and want(r)))' \
	    "$@" 2>/dev/null || echo 0
}
# plat_count_ge LOG CN N [ok|bad|KEY]: plat_count is N or more
plat_count_ge() { [ "$(plat_count "$1" "$2" ${4:+"$4"})" -ge "$3" ]; }

# lab_conf FILE: [daemon] (state_dir $W/state, Beijing time) and a bus
# "b" nothing polls, for lakewatch import and report: the caller appends
# its [sensor]s on bus b
lab_conf() {
	cat >"$1" <<EOC
[daemon]
state_dir = $W/state
timezone = Asia/Shanghai
[bus b]
host = 127.0.0.1
EOC
}

# tp_conf FILE [LINE...]: lwsim's unit 1 TP (cdab) as sensor centre-tp,
# polled every second; then each LINE: more keys of centre-tp ("key =
# value"), or a "[section]" and its keys.
tp_conf() {
	local f=$1
	shift
	cat >"$f" <<CONF
[daemon]
state_dir = state
interval = 1
[bus station]
host = 127.0.0.1
port = $SIM_PORT
timeout = 500ms
[sensor centre-tp]
bus = station
unit = 1
register = 0
word_order = cdab
CONF
	[ $# -eq 0 ] || printf '%s\n' "$@" >>"$f"
}

# uplink_conf FILE TIMEOUT: lwsim's unit 1 (TP cdab + status,
# temperature) every second, and [uplink prov] to $PLAT_PORT with MN $MN,
# a 10 s period and the answer time-out TIMEOUT
uplink_conf() {
	tp_conf "$1" "status_register = 2"
	cat >>"$1" <<CONF
[sensor centre-temp]
bus = station
unit = 1
parameter = temp
register = 3
CONF
	uplink_sect "$1" prov "$PLAT_PORT" "$2"
}

# uplink_sect FILE NAME PORT TIMEOUT [LINE...]: append [uplink NAME] to
# 127.0.0.1:PORT with MN $MN, a 10 s period, the answer time-out TIMEOUT
# and one retry, then each LINE ("key = value")
uplink_sect() {
	local f=$1
	cat >>"$f" <<CONF
[uplink $2]
host = 127.0.0.1
port = $3
mn = $MN
pw = 123456
period = 10
timeout = $4
retries = 1
CONF
	shift 4
	[ $# -eq 0 ] || printf '%s\n' "$@" >>"$f"
}

# start_daemon CONF [ARGS...]: lakewatchd in the foreground of a bg job
start_daemon() {
	local conf=$1
	shift
	bg daemon ${WRAP:-} "$BIN/lakewatchd" -c "$conf" "$@"
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

# distinct_ids STATUS [EVENT_ID-PREFIX]: how many different event_ids
distinct_ids() {
	"$PY" - "$HOOK_LOG" "$1" "${2:-}" <<'PYEOF'
import json, sys
ids = set()
for line in open(sys.argv[1], encoding="utf-8"):
    b = json.loads(line).get("body")
    if isinstance(b, dict) and b.get("status") == sys.argv[2] and \
            str(b.get("event_id", "")).startswith(sys.argv[3]):
        ids.add(b["event_id"])
print(len(ids))
PYEOF
}

# events_ge STATUS N [EVENT_ID-PREFIX]: at least N such POSTs so far
# (for wait_for, which must re-run the count each time)
events_ge() {
	[ "$(events "$1" "${3:-}")" -ge "$2" ]
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

# station_conf FILE BUS-KEYS...: a config with the bundled station's
# sensors (unit 1 TP cdab + status, temperature; unit 2 TP abcd) on one
# bus "station" whose keys are given as "key = value" arguments, polled
# every second, posting to $HOOK_URL.
station_conf() {
	local f=$1 kv
	shift
	{
		printf '[daemon]\nstate_dir = state\ninterval = 1\n'
		printf '[bus station]\n'
		for kv in "$@"; do printf '%s\n' "$kv"; done
		cat <<CONF
[sensor centre-tp]
bus = station
unit = 1
register = 0
word_order = cdab
status_register = 2
site = 长荡湖湖心
[sensor centre-temp]
bus = station
unit = 1
parameter = temp
register = 3
[sensor intake-tp]
bus = station
unit = 2
register = 0
word_order = abcd
status_register = 2
[webhook test]
url = $HOOK_URL
CONF
	} >"$f"
}

# alert_cycle_checks: after a run over the profile 0.030 -> 0.061 ->
# 0.030: exactly one firing and one resolved POST with the right
# contents, and the RRD holding what was served.
alert_cycle_checks() {
	local rrd=$W/state/rrd sensors=${1:-"centre-tp centre-temp intake-tp"} s
	for s in $sensors; do
		check "RRD file for $s" test -f "$rrd/$s.rrd"
	done
	rrdtool lastupdate "$rrd/centre-tp.rrd"
	check "centre-tp stored 0.030" rrd_has "$rrd/centre-tp.rrd" 0.030 1e-6
	check "centre-tp stored 0.061" rrd_has "$rrd/centre-tp.rrd" 0.061 1e-6
	check "centre-tp only 0.030 or 0.061, never 0" \
	    rrd_all_within "$rrd/centre-tp.rrd" 0.0299 0.0611
	cat "$HOOK_LOG"
	check "exactly one firing POST" test "$(events firing)" -eq 1
	check "exactly one resolved POST" test "$(events resolved)" -eq 1
	check "firing is centre-tp:threshold:1" \
	    test "$(events firing centre-tp:threshold:1)" -eq 1
	check "resolved is centre-tp:threshold:2" \
	    test "$(events resolved centre-tp:threshold:2)" -eq 1
	check "Idempotency-Key, UTF-8 site, values and classes" \
	    "$PY" - "$HOOK_LOG" <<'PYEOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    b = e["body"]
    assert e["headers"]["idempotency-key"] == b["event_id"], e
    assert b["site"] == "长荡湖湖心", b["site"]
    assert b["limit"] == 0.05 and b["target_class"] == "III", b
    assert b["water_body"] == "lake" and b["parameter"] == "tp", b
    if b["status"] == "firing":
        assert b["value"] == 0.061 and b["class"] == "IV", b
    else:
        assert b["value"] == 0.03 and b["class"] == "III", b
        assert b["started_at"] < b["observed_at"], b
PYEOF
}

# run_alert_cycle CONF: run the daemon until the resolved POST (40 s at
# most), let 2 s pass for anything repeated, stop it.
run_alert_cycle() {
	start_daemon "$1"
	wait_for 40 events_ge resolved 1 ||
	    echo "no resolved event in 40 s"
	sleep 2		# quiet period: a repeated or extra POST would come now
	stop_daemon
	check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
}

# can_valgrind: run a tool under valgrind here? Not when the binaries are
# built with ASan (make sanitize sets LW_SANITIZED): the two do not mix.
can_valgrind() {
	command -v valgrind >/dev/null && [ -z "${LW_SANITIZED:-}" ]
}
