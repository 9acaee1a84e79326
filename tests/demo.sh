#!/usr/bin/env bash
# tests/demo.sh (make demo): the simulated lake station on loopback, a
# year of its results imported first (lakewatch import, so the dashboard
# has a year and `lakewatch report` a bulletin), the daemon polling it, a
# webhook receiver printing what arrives, and the RRD files read back
# every few seconds. Ctrl-C stops everything it started.
# DEMO_SECONDS=N stops by itself after N seconds; DEMO_DIR=dir works
# there instead of demo/ (the integration test).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=$TOP/bin
D=${DEMO_DIR:-$TOP/demo}
PY=/usr/bin/python3
PIDS=()

stop() {	# stop [STATUS]: end what was started, exit STATUS (0)
	local i rc=${1:-0}
	trap - INT TERM EXIT
	echo
	echo "demo: stopping"
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		kill -TERM "${PIDS[i]}" 2>/dev/null
		wait "${PIDS[i]}" 2>/dev/null
	done
	echo "demo: state kept in $D/state (rrd/, outbox/); run again to start afresh"
	exit "$rc"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

wait_file() {
	for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done
	echo "demo: $2 did not start" >&2
	exit 1
}

rm -rf "$D"
mkdir -p "$D"
"$BIN/lwsim" --tcp 127.0.0.1:0 --port-file "$D/sim.port" --period 40 \
    --status-steps "1:44,5:6,1" 2>"$D/sim.log" &
PIDS+=($!)
wait_file "$D/sim.port" "the simulator"
"$PY" "$TOP/tests/peers/receiver.py" --port-file "$D/hook.port" \
    --log "$D/hook.jsonl" &
PIDS+=($!)
wait_file "$D/hook.port" "the webhook receiver"
sed -e "s#@PORT@#$(cat "$D/sim.port")#" \
    -e "s#@HOOK@#http://127.0.0.1:$(cat "$D/hook.port")/hook#" \
    "$TOP/etc/demo.conf" >"$D/lakewatch.conf"

# A year before the live part, imported as a station would import its
# history: the sample log (the report's source) and the RRD files (the
# graphs'). Last year's January-May goes to the sample log only.
year() {
	local s pid rc=0 t0=$SECONDS
	local -A job=()
	echo "demo: importing a year of simulated results (tests/sim/demo_year.py)"
	Y=$("$PY" "$TOP/tests/sim/demo_year.py" "$D/year") || exit 1
	for s in centre-tp intake-tp centre-temp; do
		"$BIN/lakewatch" import -c "$D/lakewatch.conf" "$s" \
		    "$D/year/$s.csv" >"$D/import-$s.log" 2>&1 &
		job[$s]=$!
		PIDS+=($!)
	done
	for s in "${!job[@]}"; do
		wait "${job[$s]}" || { rc=1; cat "$D/import-$s.log" >&2; }
	done
	for s in centre-tp intake-tp; do
		"$BIN/lakewatch" import -c "$D/lakewatch.conf" "$s" \
		    "$D/year/$s.prev.csv" >"$D/import-$s.prev.log" 2>&1 ||
		    { rc=1; cat "$D/import-$s.prev.log" >&2; }
	done
	[ "$rc" -eq 0 ] || { echo "demo: the import failed" >&2; exit 1; }
	PIDS=("${PIDS[@]:0:2}")
	for s in "${!job[@]}"; do
		sed -n 's/^\(RRD .*\): \(.*\)/  \1: a year, \2/p' \
		    "$D/import-$s.log"
	done
	echo "demo: imported in $((SECONDS - t0)) s; the bulletin of $Y:"
	echo "  lakewatch report -c $D/lakewatch.conf --sensor centre-tp" \
	    "--year $Y --through $Y-05"
	"$BIN/lakewatch" report -c "$D/lakewatch.conf" --sensor centre-tp \
	    --year "$Y" --through "$Y-05" | sed 's/^/  /'
}
year

cat <<TXT
demo: a simulated lake station on 127.0.0.1:$(cat "$D/sim.port"):
  unit 1  lake-centre TP analyzer: 0.032 -> 0.068 -> 0.032 mg/L every 40 s
          (Class III limit for lakes: 0.05 mg/L), calibrating at 44-50 s
  unit 2  drinking-water intake: about 0.030 mg/L
demo: lakewatchd polls the lake centre's TP every 2 s, the rest every 10 s;
      config $D/lakewatch.conf
demo: webhooks go to a receiver on 127.0.0.1:$(cat "$D/hook.port"); Ctrl-C stops
TXT
"$BIN/lakewatchd" -c "$D/lakewatch.conf" &
PIDS+=($!)

show() {	# the newest value of each RRD, as rrdtool lastupdate reads it
	local f line out=""
	for f in "$D"/state/rrd/*.rrd; do
		[ -f "$f" ] || continue
		line=$(rrdtool lastupdate "$f" | tail -n 1)
		out="$out $(basename "$f" .rrd)=${line#*: }"
	done
	echo "rrd  t+$1 s:${out:- (no files yet)}"
}

dashboard() {	# the static pages, as the systemd timer would write them
	"$BIN/lakewatch" dashboard -c "$D/lakewatch.conf" >/dev/null 2>&1 &&
	    [ -z "${told:-}" ] && told=1 &&
	    echo "demo: dashboard written: open file://$D/state/www/index.html"
}

start=$SECONDS
while :; do
	sleep 4
	show $((SECONDS - start))
	[ $(((SECONDS - start) % 12)) -lt 4 ] && dashboard
	if [ -n "${DEMO_SECONDS:-}" ] &&
	    [ $((SECONDS - start)) -ge "$DEMO_SECONDS" ]; then
		break
	fi
done
stop
