#!/bin/sh
# bench/report.sh: `lakewatch report` of a site of four sensors with a
# year of 1-minute data each (bench/report_data.py: 4 x 525 600 rows,
# about 2.1 million, and the year before with --prev: PREV=1), the
# daily sums of the month files kept (<month>.days, lib/sampleday.h)
# against --no-cache, which sums every row. Run after `make`. Prints
#	report warm: X s (cold Y s, --no-cache Z s)
# each the best of RUNS. The data (about 90 MB a year) is made once in
# $REPORT_DIR (default $TMPDIR or /var/tmp/lw-report-bench) and kept.
#   RUNS=5 PREV=1 bench/report.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
YEAR=2025
dir=${REPORT_DIR:-${TMPDIR:-/var/tmp}/lw-report-bench${PREV:+-prev}}
lw=$top/bin/lakewatch
[ -x "$lw" ] || { echo "bench/report.sh: run make first" >&2; exit 1; }
if [ ! -f "$dir/lw.conf" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	python3 "$top/bench/report_data.py" "$dir/state" $YEAR \
	    ${PREV:+--prev} --conf "$dir/lw.conf.new"
	mv "$dir/lw.conf.new" "$dir/lw.conf"
fi

# secs ARGS...: the wall time of one report, in s
secs() {
	python3 - "$lw" "$dir/lw.conf" $YEAR "$@" <<'EOF'
import subprocess, sys, time
lw, conf, year = sys.argv[1:4]
t = time.monotonic()
subprocess.run([lw, "report", "-c", conf, "--site", "bench-site", "--year",
                year, "--format", "json"] + sys.argv[4:], check=True,
               stdout=subprocess.DEVNULL)
print("%.3f" % (time.monotonic() - t))
EOF
}
best() {	# best ARGS...: the least of RUNS reports
	i=0
	b=
	while [ $i -lt "$RUNS" ]; do
		s=$(secs "$@")
		b=$(echo "${b:-$s} $s" | awk '{ print ($2 < $1) ? $2 : $1 }')
		i=$((i + 1))
	done
	echo "$b"
}

rm -f "$dir"/state/samples/*/*.days
cold=$(secs)
# a .days of a file changed within 2 s is checked by the file's hash
sleep 3
secs >/dev/null
warm=$(best)
nocache=$(best --no-cache)
"$lw" report -c "$dir/lw.conf" --site bench-site --year $YEAR \
    --format json >"$dir/cached.json"
"$lw" report -c "$dir/lw.conf" --site bench-site --year $YEAR \
    --format json --no-cache >"$dir/nocache.json"
same=same
cmp -s "$dir/cached.json" "$dir/nocache.json" || same=DIFFERENT
rows=$(cat "$dir"/state/samples/*/*.csv | wc -l)
echo "report warm: $warm s (cold $cold s, --no-cache $nocache s;" \
    "$rows rows; output $same)"
# for bench.py's summary table, when run by bench/run.sh
if [ -n "${BENCH_RESULTS:-}" ]; then
	printf '{"warm_s": %s, "cold_s": %s, "nocache_s": %s, "rows": %s, "same": %s}\n' \
	    "$warm" "$cold" "$nocache" "$rows" \
	    "$([ "$same" = same ] && echo true || echo false)" \
	    >"$BENCH_RESULTS/report.json"
fi
