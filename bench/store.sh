#!/bin/sh
# bench/store.sh: 10 000 sensors' RRD updates per interval, librrd
# directly vs rrdcached, measured in one run (bench/store_bench.c). Run
# after `make`. Files go to /dev/shm when it has room (about 0.8 MB a
# sensor), else to $TMPDIR or /var/tmp; rrdcached is started here (-j,
# -w 3600: it holds everything until told to flush) and ended by PID.
#   SENSORS=10000 ROUNDS=5 BATCH=60 bench/store.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
SENSORS=${SENSORS:-10000}
ROUNDS=${ROUNDS:-5}
BATCH=${BATCH:-60}

# the daemon's objects and libraries, as the Makefile has them
vars() {
	make -s --no-print-directory -f Makefile -f - bench-vars <<'EOF'
bench-vars:
	@echo $(CORE)
	@echo $(LW_LIBS)
EOF
}
core=$(vars | sed -n 1p)
libs=$(vars | sed -n 2p)
for o in $core; do
	if [ ! -f "$o" ]; then
		echo "bench/store.sh: run make first ($o)" >&2
		exit 1
	fi
done
mkdir -p bin
${CC:-cc} -O2 -g -std=c11 -D_GNU_SOURCE $(pkg-config --cflags librrd) \
    -o bin/store_bench bench/store_bench.c $core $libs

need=$((SENSORS * 900))		# KB, with some room
shm=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
base=${TMPDIR:-/var/tmp}
[ "${shm:-0}" -gt "$need" ] && base=/dev/shm
dir=$(mktemp -d "$base/lw-store-bench.XXXXXX")
rpid=
cleanup() {
	if [ -n "$rpid" ]; then
		kill -TERM "$rpid" 2>/dev/null || true
		wait "$rpid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
mkdir -p "$dir/rrd" "$dir/journal"
rrdcached -l "unix:$dir/rrdcached.sock" -p "$dir/rrdcached.pid" \
    -j "$dir/journal" -b "$dir/rrd" -B -w 3600 -f 7200 -g \
    >"$dir/rrdcached.log" 2>&1 &
rpid=$!
i=0
while [ ! -S "$dir/rrdcached.sock" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -S "$dir/rrdcached.sock" ]; then
	echo "rrdcached did not start:" >&2
	cat "$dir/rrdcached.log" >&2
	exit 1
fi
ver=$(rrdtool -v | sed -n '1s/^RRDtool \([^ ]*\).*/\1/p')
echo "lakewatch store benchmark: $(nproc) cores, rrdtool $ver," \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
bin/store_bench -d "$dir" -n "$SENSORS" -r "$ROUNDS" -b "$BATCH" \
    -a "unix:$dir/rrdcached.sock" -p "$rpid"
