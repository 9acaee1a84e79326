#!/bin/sh
# bench/uplink.sh: the HJ 212 uplink's CPU cost per 1000 readings. One
# lwsim farm (N devices, TP + status + temperature each, polled every
# second, as bench.py's farm) and tests/peers/platform.py (answers 9014);
# lakewatchd runs on it twice for the same time, without and then with
# an [uplink] (period 10 s, the shortest the config takes: 360 times the
# packets of the hourly period, so an upper bound). After a warm-up
# (every RRD file made, then WARMUP s) the daemon's user+system CPU over
# the window is divided by the readings its sample logs got in it.
# Run after `make`; every process it starts is ended by its PID.
#   UPLINK_N=100 UPLINK_SECONDS=60 UPLINK_WARMUP=10 bench/uplink.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
N=${UPLINK_N:-100}
SECONDS_=${UPLINK_SECONDS:-60}
WARMUP=${UPLINK_WARMUP:-10}
PY=/usr/bin/python3
MN=010000A8900016F000169DC0
for b in bin/lakewatchd bin/lwsim; do
	if [ ! -x "$b" ]; then
		echo "bench/uplink.sh: $b missing: run make first" >&2
		exit 1
	fi
done
# libcurl in the daemon would send loopback traffic to a proxy
unset http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY
# shellcheck disable=SC3045
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

dir=$(mktemp -d "${TMPDIR:-/tmp}/lw-uplink-bench.XXXXXX")
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

# wait_lines N FILE: until FILE has N lines (port files), 30 s at most
wait_lines() {
	i=0
	while [ "$(wc -l 2>/dev/null <"$2" || echo 0)" -lt "$1" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { echo "bench/uplink.sh: no $2" >&2; exit 1; }
		sleep 0.1
	done
}

bin/lwsim --tcp 127.0.0.1:0 --ports "$N" --port-file "$dir/farm.ports" \
    >"$dir/lwsim.log" 2>&1 &
pids="$pids $!"
$PY tests/peers/platform.py --port-file "$dir/plat.port" \
    --log "$dir/platform.jsonl" >"$dir/platform.out" 2>&1 &
pids="$pids $!"
wait_lines "$N" "$dir/farm.ports"
wait_lines 1 "$dir/plat.port"
plat=$(cat "$dir/plat.port")

# conf NAME UPLINK: $dir/NAME/lw.conf for the farm, [uplink] if UPLINK=1
conf() {
	mkdir -p "$dir/$1"
	{
		printf '[daemon]\nstate_dir = state\ninterval = 1\n'
		i=0
		while read -r port; do
			d=$(printf 'dev%04d' $i)
			printf '[bus %s]\ntype = tcp\nhost = 127.0.0.1\n' "$d"
			printf 'port = %s\ntimeout = 1s\n' "$port"
			printf '[sensor %s-tp]\nbus = %s\nregister = 0\n' "$d" "$d"
			printf 'status_register = 2\n'
			printf '[sensor %s-st]\nbus = %s\nparameter = turbidity\n' \
			    "$d" "$d"
			printf 'register = 2\ntype = uint16\n'
			printf '[sensor %s-temp]\nbus = %s\nparameter = temp\n' \
			    "$d" "$d"
			printf 'register = 3\n'
			i=$((i + 1))
		done <"$dir/farm.ports"
		if [ "$2" = 1 ]; then
			printf '[uplink prov]\nhost = 127.0.0.1\nport = %s\n' \
			    "$plat"
			printf 'mn = %s\npw = 123456\nperiod = 10\n' "$MN"
		fi
	} >"$dir/$1/lw.conf"
}

# cpu PID: its user+system clock ticks
cpu() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# readings NAME FROM TO: sample-log rows stamped in [FROM, TO)
readings() {
	a=$(date -u -d "@$2" +%Y-%m-%dT%H:%M:%SZ)
	b=$(date -u -d "@$3" +%Y-%m-%dT%H:%M:%SZ)
	find "$dir/$1/state/samples" -name '*.csv' -exec cat {} + |
	    awk -F, -v a="$a" -v b="$b" '$1 >= a && $1 < b { n++ } END { print n + 0 }'
}

# run NAME UPLINK: RES="CPU-ms-per-1000 readings packets" of one run
run() {
	conf "$1" "$2"
	bin/lakewatchd -c "$dir/$1/lw.conf" >"$dir/$1.log" 2>&1 &
	lw=$!
	pids="$pids $lw"
	want=$((3 * N))
	i=0
	while [ "$(find "$dir/$1/state/rrd" -name '*.rrd' 2>/dev/null |
	    wc -l)" -lt "$want" ]; do
		i=$((i + 1))
		[ $i -lt 1200 ] || { echo "bench/uplink.sh: RRD files" >&2; exit 1; }
		sleep 0.1
	done
	sleep "$WARMUP"		# steady state: not the start-up work
	t0=$(date +%s)
	c0=$(cpu "$lw")
	sleep "$SECONDS_"	# the measured window
	c1=$(cpu "$lw")
	t1=$(date +%s)
	kill -TERM "$lw"
	wait "$lw" || { echo "bench/uplink.sh: lakewatchd failed" >&2; exit 1; }
	pids=$(echo "$pids" | sed "s/ $lw\$//; s/ $lw / /")
	n=$(readings "$1" "$t0" "$t1")
	pk=$(grep -c '"cn": "2061"' "$dir/platform.jsonl" 2>/dev/null || true)
	RES=$(awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$n" \
	    -v pk="$pk" 'BEGIN { printf "%.1f %d %d\n",
	    n ? c * 1000 / hz / n * 1000 : 0, n, pk }')
}

run without 0
without=$RES
run with 1
with=$RES
# shellcheck disable=SC2086
set -- $without $with
if [ "$6" -eq 0 ]; then
	echo "bench/uplink.sh: the platform got no packet" >&2
	exit 1
fi
echo "uplink: $4 CPU-ms per 1000 readings (with) vs $1 (without)" \
    "[N = $N devices, $((3 * N)) sensors, ${SECONDS_} s each;" \
    "readings $5 vs $2; $6 CN=2061 packets, period 10 s; sample logs" \
    "fresh: bench/uplink_month.sh measures a long month file]"
if [ -n "${BENCH_RESULTS:-}" ]; then
	printf '{"with_cpu_ms_per_1000": %s, "without_cpu_ms_per_1000": %s, "packets": %s, "n": %s}\n' \
	    "$4" "$1" "$6" "$N" >"$BENCH_RESULTS/uplink.json"
fi
