# Fault: the state directory is full, and what happens to the sample log.
# A small tmpfs is mounted on it (a loop-mounted ext2 file if tmpfs
# cannot be mounted) and filled before the daemon starts.
# 1. Held: the RRD files cannot be created (the log names the reason);
#    once space is back every poll's row is in the month file, in order,
#    with no gap.
# 2. Lost: with sample_buffer = 12 rows the buffer overflows; once space
#    is back the rows missing from the month files are exactly the count
#    in status.json (core.log_dropped) and in lakewatch status, the .lost
#    files record as many, and lakewatch report says the month lost rows.
. "$(dirname "$0")/../lib.sh"

MNT=$W/state
fault_exit() {
	local pid
	for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	wait 2>/dev/null
	mountpoint -q "$MNT" && umount -l "$MNT"
	cleanup
}
trap fault_exit EXIT

mkdir -p "$MNT"
if mount -t tmpfs -o size=16m,mode=0755 tmpfs "$MNT" 2>/dev/null; then
	echo "state_dir on a 16 MB tmpfs"
elif truncate -s 16M "$W/fs.img" && mkfs.ext2 -q -F "$W/fs.img" &&
    mount -o loop "$W/fs.img" "$MNT" 2>/dev/null; then
	echo "state_dir on a 16 MB loop-mounted ext2"
else
	echo "SKIP: neither a tmpfs nor a loop file system can be mounted here"
	exit 0
fi

# core KEY: status.json's core.KEY (-1 without a status file)
core() {
	"$PY" -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["core"].get(sys.argv[2], -1)))' \
	    "$MNT/status.json" "$1" 2>/dev/null || echo -1
}
status_now() {
	"$PY" -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["now"]))' \
	    "$MNT/status.json" 2>/dev/null || echo 0
}
gt() { [ "$("$1")" -gt "$2" ]; }
# settled T: status.json is newer than T and holds no row back
settled() { [ "$(status_now)" -gt "$1" ] && [ "$(core log_waiting)" -eq 0 ]; }
# rows SENSOR: "rows span missing first" of SENSOR's month files:
# rows, seconds from the first to the last, and the rows a 1 s schedule
# lacks (sum over the gaps); exit 1 if rows are out of order
rows() {
	cat "$MNT"/samples/"$1"/*.csv 2>/dev/null | "$PY" -c '
import sys, datetime
ts = []
for line in sys.stdin:
    f = line.split(",")[0]
    if f == "time":
        continue
    ts.append(int(datetime.datetime.strptime(f, "%Y-%m-%dT%H:%M:%SZ")
        .replace(tzinfo=datetime.timezone.utc).timestamp()))
if not ts:
    print("0 0 0 0"); sys.exit(0)
gaps = [b - a for a, b in zip(ts, ts[1:])]
print(len(ts), ts[-1] - ts[0] + 1, sum(g - 1 for g in gaps if g > 1), ts[0])
sys.exit(1 if any(g < 1 for g in gaps) else 0)'
}
lost_in_files() {	# rows the .lost files record, all sensors
	cat "$MNT"/samples/*/*.lost 2>/dev/null | awk -F, \
	    '$1 != "first" { n += $3 } END { print n + 0 }'
}
SENSORS="centre-tp centre-temp intake-tp"

start_sim --tp-steps "0.030"
start_receiver
station_conf "$W/lw.conf" "type = tcp" "host = 127.0.0.1" \
    "port = $SIM_PORT" "timeout = 500ms"
printf '[daemon]\nstore_batch = 0\n' >>"$W/lw.conf"

# --- 1: rows held while full, all written after --------------------------
cat /dev/zero >"$MNT/filler" 2>/dev/null
df -h "$MNT" | tail -n 1
full_at=$(date +%s)
start_daemon "$W/lw.conf"
wait_for 20 grep -q 'rows held in memory' "$W/daemon.log"
wait_for 10 grep -q 'create .*centre-tp\.rrd' "$W/daemon.log"
# deliberate: the disk stays full for 6 s of polls (the checks below want
# rows from at least 5 s before it is freed)
sleep 6
grep -E 'No space|create|held|lost' "$W/daemon.log" | sed 's/^/    | /'
check "a failed RRD create names the reason (No space left on device)" \
    grep -q 'create .*centre-tp\.rrd: No space left on device' \
    "$W/daemon.log"
check "... never an empty one" eval \
    '! grep -Eq "create [^ ]*\.rrd: *$" "$W/daemon.log"'
rm -f "$MNT/filler"
freed_at=$(date +%s)
wait_for 20 settled "$((freed_at + 1))"
check "status.json: nothing held after space is back" \
    test "$(core log_waiting)" -eq 0
check "status.json: no row lost (the buffer was big enough)" \
    test "$(core log_dropped)" -eq 0
for s in $SENSORS; do
	read -r n span miss first < <(rows "$s")
	echo "$s: $n rows over $span s, $miss missing, first at $first" \
	    "(disk filled at $full_at, freed at $freed_at)"
	check "$s: rows from while the disk was full are in the month file" \
	    test "$first" -le "$((freed_at - 5))"
	check "$s: one row per poll, in order, no gap ($n rows, $span s)" \
	    eval "rows $s >/dev/null && test $miss -eq 0 -a $n -eq $span"
done
check "the RRD file is created once there is room" \
    wait_for 20 test -s "$MNT/rrd/centre-tp.rrd"
stop_daemon
check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0

# --- 2: more than sample_buffer rows: the rest counted as lost -----------
# (full before the month files exist: a file with room in its last page
# would take a few more lines)
rm -rf "$MNT/samples" "$MNT/status.json"
printf '[daemon]\nsample_buffer = 12\n' >>"$W/lw.conf"
cat /dev/zero >"$MNT/filler" 2>/dev/null
start_daemon "$W/lw.conf"
wait_for 20 grep -q 'the most sample_buffer allows' "$W/daemon.log"
# deliberate: 5 s more of rows lost (logged at the first), so that every
# sensor loses several
sleep 5
rm -f "$MNT/filler"
freed_at=$(date +%s)
# every held row written and the .lost records saved with them
# (samplelog.c up()), in a status.json written after the disk was freed
wait_for 20 settled "$((freed_at + 1))"
missing=0
for s in $SENSORS; do
	read -r n span miss first < <(rows "$s")
	echo "$s: $n rows over $span s, $miss missing"
	missing=$((missing + miss))
done
dropped=$(core log_dropped)
echo "missing rows $missing; status.json log_dropped $dropped;" \
    ".lost files $(lost_in_files)"
grep -E 'held|lost|again' "$W/daemon.log" | sed 's/^/    | /'
check "rows were lost (the buffer of 12 overflowed)" test "$missing" -gt 0
check "status.json core.log_dropped = the rows missing from the files" \
    test "$dropped" -eq "$missing"
check "the .lost files record as many" test "$(lost_in_files)" -eq "$missing"
"$BIN/lakewatch" status -c "$W/lw.conf" >"$W/status.txt"
sed 's/^/    | /' "$W/status.txt" | tail -n 3
check "lakewatch status shows the rows lost" \
    grep -q "sample log: 0 rows waiting to be written, $missing lost" \
    "$W/status.txt"
stop_daemon
check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
# this month (by the report's zone), though it has no valid day yet
month=$(TZ=Asia/Shanghai date +%Y-%m)
"$BIN/lakewatch" report -c "$W/lw.conf" --sensor centre-tp \
    --year "${month%-*}" --through "$month" >"$W/report.txt" 2>&1
sed 's/^/    | /' "$W/report.txt"
n=$(cat "$MNT"/samples/centre-tp/*.lost 2>/dev/null | awk -F, '$1 != "first" { n += $3 } END { print n + 0 }')
check "lakewatch report says the month lost $n rows of centre-tp" \
    test "$n" -gt 0 -a -n "$(grep "$n sample-log rows were lost" "$W/report.txt")"
"$BIN/lakewatch" report -c "$W/lw.conf" --sensor centre-tp \
    --year "${month%-*}" --through "$month" --format json >"$W/report.json"
check "... and its JSON has lost_rows" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if sum(m["lost_rows"] for m in d["months"]) == int(sys.argv[2]) else 1)' \
    "$W/report.json" "$n"
finish
