#!/bin/sh
# bench/run.sh: lakewatchd and collectd 5.12 side by side (`make bench`).
# Needs `make all` and `make bench-deps` (collectd-core, libyajl2).
#
#   BENCH_N="10 200 1000"  farm sizes (spaces or commas)
#   BENCH_SECONDS=60       each farm run: warm-up plus steady window (the
#                          steady window at least 60 s: CPU is the median
#                          of its 60-s windows)
#   BENCH_WARMUP=10        at least this, and 10 s after the last RRD file
#                          appeared (startup work is not steady state)
#   BENCH_QUICK=1          N = 10 100, 20 s runs, shorter extra sections
#   BENCH_KEEP=1           keep the run directories (under $TMPDIR or /tmp)
#
# Sections: 1. TCP farm (lakewatchd, then collectd, against the same
# lwsim farm); 2. isolation (1000 devices, 10 % silent); 3. RTU through
# bench/pty_throttle.py at 9600 8N1; 4. alert latency (100 simultaneous
# crossings, receiver answering in 50 ms; lakewatchd and collectd);
# 5. a quiet station (10 devices x 2 sensors every 10 s: CPU from
# schedstat and wake-ups of all threads, lakewatchd and collectd);
# 6. bench/store.sh if present; then ONE table of every target (issue
# 15) with the commit measured. Figures go to bench/results/*.json.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
PY=/usr/bin/python3

for b in bin/lakewatchd bin/lakewatch bin/lwsim; do
	if [ ! -x "$b" ]; then
		echo "bench: $b missing: run make first" >&2
		exit 1
	fi
done
if [ ! -x /usr/sbin/collectd ] || [ ! -f /usr/lib/collectd/write_http.so ]; then
	echo "bench: collectd-core missing: run make bench-deps" >&2
	exit 1
fi
if [ ! -x $PY ]; then
	echo "bench: $PY missing" >&2
	exit 1
fi

# 1000 devices: 1000 sockets in one process (dash and bash have -H, -n)
# shellcheck disable=SC3045
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 4096 2>/dev/null || true

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${BENCH_N:=10 100}"
	: "${BENCH_SECONDS:=20}"
	: "${BENCH_ISO_SECONDS:=20}"
	: "${BENCH_RTU_SECONDS:=15}"
	: "${SENSORS:=2000}"
	: "${BENCH_STATION_SECONDS:=60}"
else
	: "${BENCH_N:=10 200 1000}"
	: "${BENCH_SECONDS:=60}"
	: "${BENCH_ISO_SECONDS:=40}"
	: "${BENCH_RTU_SECONDS:=30}"
fi
BENCH_N=$(echo "$BENCH_N" | tr ',' ' ')
export BENCH_SECONDS BENCH_ISO_SECONDS BENCH_RTU_SECONDS
[ -n "${BENCH_STATION_SECONDS:-}" ] && export BENCH_STATION_SECONDS
[ -n "${SENSORS:-}" ] && export SENSORS

mkdir -p bench/results
rm -f bench/results/*.json bench/results/store.txt
start=$(date +%s)
echo "lakewatch benchmark: $(nproc) cores, $(uname -r), load" \
    "$(cut -d' ' -f1-3 /proc/loadavg), lakewatchd" \
    "$(bin/lakewatchd -V | awk '{print $2}')" \
    "($(git rev-parse --short HEAD 2>/dev/null || echo '?')), collectd" \
    "$(dpkg-query -W -f='${Version}' collectd-core 2>/dev/null);" \
    "N = $BENCH_N, $BENCH_SECONDS s a run"
rc=0
# shellcheck disable=SC2086
$PY bench/bench.py farm $BENCH_N || rc=1
$PY bench/bench.py isolation || rc=1
$PY bench/bench.py rtu || rc=1
$PY bench/bench.py alerts lakewatchd collectd || rc=1
$PY bench/bench.py station || rc=1
if [ -x bench/store.sh ]; then
	echo
	echo "== bench/store.sh (RRD store: librrd vs rrdcached)"
	bench/store.sh >bench/results/store.txt 2>&1 || rc=1
	sed 's/^/  /' bench/results/store.txt
fi
echo
echo "== bench/uplink.sh (HJ 212 uplink's cost)"
BENCH_RESULTS=bench/results bench/uplink.sh || rc=1
bench/uplink_month.sh || rc=1
echo
echo "== bench/report.sh (lakewatch report, a year of 1-min data)"
BENCH_RESULTS=bench/results RUNS=3 bench/report.sh || rc=1
$PY bench/bench.py summary || rc=1
echo "bench: $(($(date +%s) - start)) s; results in bench/results/"
exit $rc
