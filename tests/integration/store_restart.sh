# The daemon restarted mid-run, through rrdcached: once stopped cleanly
# (SIGTERM) and once killed (SIGKILL). Every reading logged before and
# after is in the RRD; only the seconds it was down have no value. The
# first reading after each gap is stored too (rrdtool would drop a value
# that follows a gap longer than the heartbeat).
# (store_batch = 0: the core hands each reading to the store at once,
# rather than holding it up to 10 s to batch updates.)
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/store_lib.sh"

start_sim --tp-steps "0.030:4,0.061:4,0.030"
rrdc_start
store_conf "rrdcached = unix:$RRDC_SOCK"
lwd_start run1 "$W/lw.conf"
wait_samples 15 centre-tp 6 || die "no samples in 15 s"
stop_daemon
check "first run exits 0" test "$DAEMON_RC" -eq 0
n1=$(samples_n centre-tp)
sleep 3		# deliberate: down 3 s, these seconds have no reading

lwd_start run2 "$W/lw.conf"
wait_samples 15 centre-tp $((n1 + 6)) || die "second run: no samples"
kill -KILL "$DAEMON_PID"	# a crash: no store_free, no flush
wait "$DAEMON_PID" 2>/dev/null
n2=$(samples_n centre-tp)
sleep 3		# deliberate: down 3 s again, the second gap

# the third run finds rrdcached through RRDCACHED_ADDRESS
sed -i '/^rrdcached = /d' "$W/lw.conf"
export RRDCACHED_ADDRESS=unix:$RRDC_SOCK
lwd_start run3 "$W/lw.conf"
unset RRDCACHED_ADDRESS
wait_samples 15 centre-tp $((n2 + 6)) || die "third run: no samples"
stop_daemon
check "third run exits 0" test "$DAEMON_RC" -eq 0
check "third run: rrdcached from RRDCACHED_ADDRESS" \
    grep -q "through rrdcached at unix:$RRDC_SOCK" "$W/run3.log"
cat "$W"/run*.log | grep -E "store|rrdcached|sensor"

for s in centre-tp intake-tp; do
	check "$s: every valid sample of the three runs is in the RRD" \
	    store_compare "$s"
done
check "two gaps of about 3 s: the RRD has UNKNOWN rows there" "$PY" - \
    "$W/state/rrd/centre-tp.rrd" <<'PYEOF'
import subprocess, sys, time
now = int(time.time())
out = subprocess.run(["rrdtool", "fetch", sys.argv[1], "AVERAGE", "-r",
    "1", "-s", str(now - 120), "-e", str(now)], capture_output=True,
    text=True, check=True).stdout
rows = [(int(l.split(":")[0]), "nan" not in l) for l in out.splitlines()
        if ":" in l]
known = [t for t, k in rows if k]
gaps = [b - a - 1 for a, b in zip(known, known[1:]) if b - a > 1]
print("gaps between stored values:", gaps)
sys.exit(0 if len(gaps) == 2 and all(1 <= g <= 8 for g in gaps) else 1)
PYEOF
finish
