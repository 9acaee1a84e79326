#!/bin/sh
# bench/uplink_month.sh: what an uplink build costs on a long month file.
# One sensor polled every second (lwsim) and tests/peers/platform.py; an
# [uplink] with a 10 s period (one CN=2061 packet built every 10 s). The
# sensor's month file is seeded with ROWS rows at 1 s (2 419 200: day 28
# of a month at 1 s) before the daemon starts, then again with a fresh
# (empty) log. After the first packet and WARMUP s, the daemon's
# user+system CPU over SECONDS s is read, and the packets built in it;
# CPU-s per build = (seeded - fresh) / builds. The start-up is shown
# apart (CPU from the start to the first packet, seeded - fresh): the
# first build reads the month once (lib/samplelog_idx.c), and so does
# daemon/cumul.c's year-to-date load at the first reading.
# Run after `make`; LW_BIN=dir takes the programs from another build.
#   MONTH_ROWS=2419200 MONTH_SECONDS=30 MONTH_WARMUP=5 bench/uplink_month.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BIN=${LW_BIN:-$top/bin}
ROWS=${MONTH_ROWS:-2419200}
SECONDS_=${MONTH_SECONDS:-30}
WARMUP=${MONTH_WARMUP:-5}
PY=/usr/bin/python3
MN=010000A8900016F000169DC0
for b in "$BIN/lakewatchd" "$BIN/lwsim"; do
	if [ ! -x "$b" ]; then
		echo "bench/uplink_month.sh: $b missing: run make first" >&2
		exit 1
	fi
done
unset http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY

dir=$(mktemp -d "${TMPDIR:-/tmp}/lw-month-bench.XXXXXX")
pids=
cleanup() {
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() { echo "bench/uplink_month.sh: $*" >&2; exit 1; }

# wait_file FILE: until FILE is not empty, 30 s at most
wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || die "no $1"
		sleep 0.1
	done
}

"$BIN/lwsim" --tcp 127.0.0.1:0 --port-file "$dir/sim.port" \
    >"$dir/lwsim.log" 2>&1 &
simpid=$!
pids=$simpid
wait_file "$dir/sim.port"
sim=$(cat "$dir/sim.port")

cpu() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
packets() {
	n=$(grep -c '"cn": "2061"' "$1" 2>/dev/null) || true
	echo "${n:-0}"
}

# run NAME SEED: RES="first-build-ticks window-ticks builds"
run() {
	mkdir -p "$dir/$1/state/samples/tp"
	cat >"$dir/$1/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
[bus station]
host = 127.0.0.1
port = $sim
timeout = 500ms
[sensor tp]
bus = station
unit = 1
register = 0
word_order = cdab
[uplink prov]
host = 127.0.0.1
port = PLAT
mn = $MN
pw = 123456
period = 10
CONF
	if [ "$2" -gt 0 ]; then
		"$PY" - "$dir/$1/state/samples/tp" "$2" <<'PYEOF'
import sys, time
d, n = sys.argv[1], int(sys.argv[2])
now = int(time.time())
t0 = now - 60 - n
with open(time.strftime(d + "/%Y-%m.csv", time.gmtime(now)), "w") as fp:
    fp.write("time,value,flag,raw,status\n")
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    fp.writelines("%s,0.%03d,N,,1\n" % (time.strftime(fmt, time.gmtime(t)),
                  30 + t % 40) for t in range(t0, t0 + n))
PYEOF
	fi
	rm -f "$dir/$1.port"
	$PY tests/peers/platform.py --port-file "$dir/$1.port" \
	    --log "$dir/$1.jsonl" >"$dir/$1.plat" 2>&1 &
	plat=$!
	pids="$pids $plat"
	wait_file "$dir/$1.port"
	sed -i "s/^port = PLAT\$/port = $(head -n 1 "$dir/$1.port")/" \
	    "$dir/$1/lw.conf"
	(cd "$dir/$1" && exec "$BIN/lakewatchd" -c lw.conf) \
	    >"$dir/$1.log" 2>&1 &
	lw=$!
	pids="$pids $lw"
	i=0
	while [ "$(packets "$dir/$1.jsonl")" -lt 1 ]; do
		i=$((i + 1))
		[ $i -lt 600 ] || die "no packet"
		sleep 0.1
	done
	c0=$(cpu "$lw")
	sleep "$WARMUP"
	c1=$(cpu "$lw")
	p1=$(packets "$dir/$1.jsonl")
	sleep "$SECONDS_"
	c2=$(cpu "$lw")
	p2=$(packets "$dir/$1.jsonl")
	kill -TERM "$lw" "$plat"
	wait "$lw" || die "lakewatchd failed"
	wait "$plat" || true
	pids=$simpid		# the simulator serves both runs
	RES="$c0 $((c2 - c1)) $((p2 - p1))"
}

run seeded "$ROWS"
seeded=$RES
run fresh 0
fresh=$RES
# shellcheck disable=SC2086
set -- $seeded $fresh
awk -v hz="$(getconf CLK_TCK)" -v f0="$1" -v w0="$2" -v b0="$3" \
    -v f1="$4" -v w1="$5" -v b1="$6" -v rows="$ROWS" -v s="$SECONDS_" \
    'BEGIN {
	printf "uplink_month: %d rows in the month file, period 10 s, %d s:\n",
	    rows, s
	printf "  daemon CPU %.2f s seeded vs %.2f s fresh; %d and %d builds\n",
	    w0 / hz, w1 / hz, b0, b1
	printf "  CPU-s per build %.4f; start to first packet %.2f CPU-s\n",
	    b0 ? (w0 - w1) / hz / b0 : 0, (f0 - f1) / hz
}'
