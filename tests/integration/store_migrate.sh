# A sensor's interval (the RRD step) changed 1 -> 2 s by a reload, then
# 2 -> 1 s by a restart, through rrdcached: each change migrates the file
# once (the old one kept as .old, one log line), the readings from before
# stay fetchable from the new file, and the new readings go in at the new
# step. An unchanged restart migrates nothing. With the default
# store_batch (the core holds readings up to 10 s to batch them).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/store_lib.sh"

start_sim --tp-steps "0.030"
rrdc_start
conf() {
	cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = $1
rrdcached = unix:$RRDC_SOCK
[bus station]
type = tcp
host = 127.0.0.1
port = $SIM_PORT
timeout = 500ms
[sensor centre-tp]
bus = station
unit = 1
register = 0
word_order = cdab
status_register = 2
CONF
}
rrd=$W/state/rrd/centre-tp.rrd
step() { rrdtool info "$rrd" | sed -n 's/^step = //p'; }
olds() { ls "$W"/state/rrd/centre-tp.rrd.*.old 2>/dev/null | wc -l; }
migrated() { grep -c "migrated" "$W/daemon.log"; }

conf 1
lwd_start daemon "$W/lw.conf"
wait_samples 15 centre-tp 8 || die "no samples in 15 s"
t0=$(head -n 2 "$W"/state/samples/centre-tp/*.csv | tail -n 1 | cut -c1-20)
t0=$(date -u -d "$t0" +%s)
t1=$(date +%s)

conf 2
kill -HUP "$DAEMON_PID"
wait_for 25 grep -q migrated "$W/daemon.log" || echo "no migration logged"
since=$(($(date +%s) + 2))	# from the second after the next on
n=$(samples_n centre-tp)
wait_samples 20 centre-tp $((n + 4)) || echo "few samples at 2 s"
stop_daemon			# the core's batches and rrdcached flushed
grep -E "migrat|store|reload" "$W/daemon.log"
check "reload 1 -> 2 s: migrated once, one .old kept" \
    test "$(migrated)" -eq 1 -a "$(olds)" -eq 1
check "the new file has step 2" test "$(step)" = 2
check "readings at the new step are in the new file" \
    store_compare centre-tp "$since"
check "readings from before the change are in the new file" "$PY" - \
    "$rrd" "$t0" "$t1" <<'PYEOF'
import subprocess, sys
rrd, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out = subprocess.run(["rrdtool", "fetch", rrd, "AVERAGE", "-r", "2", "-s",
    str(t0 - 60), "-e", str(t1)], capture_output=True, text=True,
    check=True).stdout
vals = [(int(l.split(":")[0]), float(l.split(":")[1])) for l in
        out.splitlines() if ":" in l and "nan" not in l]
print("%d..%d at 2 s: %d values %s" % (t0, t1, len(vals), vals[:3]))
sys.exit(0 if len([t for t, _ in vals if t0 < t <= t1]) >=
         (t1 - t0) // 2 - 1 and all(abs(v - 0.030) < 1e-6 for _, v in vals)
         else 1)
PYEOF

lwd_start daemon "$W/lw.conf"
n=$(samples_n centre-tp)
wait_samples 20 centre-tp $((n + 2)) || echo "few samples after restart"
check "restart at the same step: no migration" \
    test "$(migrated)" -eq 0 -a "$(olds)" -eq 1
stop_daemon

conf 1
lwd_start daemon "$W/lw.conf"
n=$(samples_n centre-tp)
wait_samples 20 centre-tp $((n + 2)) || echo "few samples after restart"
stop_daemon
grep -E "migrat" "$W/daemon.log"
check "restart 2 -> 1 s: migrated once more, two .old kept" \
    test "$(migrated)" -eq 1 -a "$(olds)" -eq 2 -a "$(step)" = 1
check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
check "the files pass rrdtool info" rrdtool info "$rrd" >/dev/null
finish
