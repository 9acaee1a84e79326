# `lakewatch import` holds a result on the RRD's steps as the daemon
# does (until the next row, at most stale_after: 6 h for a 4-hour
# analyzer), but never past the present: a result imported an hour ago
# used to be written 5 h into the future, and the daemon's readings were
# then older than the file's last update and left out of it (make demo
# imports a year up to now, then starts the daemon).
. "$(dirname "$0")/../lib.sh"

start_sim
tp_conf "$W/c.conf" "cycle = 4h" "[daemon]" "store_batch = 0"
RRD=$W/state/rrd/centre-tp.rrd
t=$(($(date +%s) / 60 * 60 - 3600))
printf 'time,value\n%s,0.045\n' "$(date -u -d @$t +%Y-%m-%dT%H:%M:%SZ)" \
    >"$W/lab.csv"
"$BIN/lakewatch" import -c "$W/c.conf" centre-tp "$W/lab.csv" >"$W/imp.out" 2>&1
check "import exits 0" test $? -eq 0
last=$(rrdtool last "$RRD")
now=$(date +%s)
echo "    imported a result of $((now - t)) s ago; RRD last update now$(
    printf '%+d' $((last - now))) s"
check "the RRD is not written past the present" test "$last" -le "$now"
check "the result is held up to the present" test "$last" -ge $((now - 5))
rrdtool fetch "$RRD" AVERAGE -r 60 -s $((t + 600)) -e $((t + 1200)) |
    grep -c '4.5000000000e-02' >"$W/held"
check "held on the steps after it (10 min later still 0.045)" \
    test "$(cat "$W/held")" -ge 5

start_daemon "$W/c.conf"
newer() {	# a reading of the daemon (not 0.045) is the last update
	local l
	l=$(rrdtool lastupdate "$RRD" | tail -n 1)
	[ "${l%%:*}" -gt "$now" ] && [ "${l%%:*}" -le $(($(date +%s) + 2)) ] &&
	    [ "${l#*: }" != 4.5000000000e-02 ]
}
wait_for 20 newer
echo "    last update: $(rrdtool lastupdate "$RRD" | tail -n 1)"
check "the daemon's readings go into the RRD at once" newer
stop_daemon
finish
