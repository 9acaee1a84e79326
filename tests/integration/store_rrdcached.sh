# The daemon writing through a real rrdcached (-B -b state/rrd): (a) what
# the simulator served is what rrdtool fetch reads back after a flush;
# (b) rrdcached SIGKILLed mid-run and restarted ~5 s later: no reading is
# lost, including the ones it had acknowledged but not yet journaled;
# then rrdcached stopped (SIGSTOP) for 4 s: requests time out, polling
# goes on, and the values wait.
# (store_batch = 0: the core hands each reading to the store at once,
# rather than holding it up to 10 s to batch updates.)
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/store_lib.sh"

start_sim --tp-steps "0.030:5,0.061:5,0.030"
rrdc_start
store_conf "rrdcached = unix:$RRDC_SOCK"
lwd_start daemon "$W/lw.conf"
wait_samples 15 centre-tp 12 || die "no samples in 15 s"

# (a) mid-run, through rrdcached's flush: the simulator's profile
export RRDCACHED_ADDRESS=unix:$RRDC_SOCK
check "(a) every logged value is in the RRD (fetch through rrdcached)" \
    store_compare centre-tp
check "(a) centre-tp holds 0.030 and 0.061 as served, nothing else" \
    "$PY" - "$W/state/rrd/centre-tp.rrd" <<'PYEOF'
import subprocess, sys, time
now = int(time.time())
out = subprocess.run(["rrdtool", "fetch", sys.argv[1], "AVERAGE", "-r",
    "1", "-s", str(now - 120), "-e", str(now)], capture_output=True,
    text=True, check=True).stdout
vals = [float(l.split(":")[1]) for l in out.splitlines()
        if ":" in l and "nan" not in l]
seen = {v for v in (0.030, 0.061) for x in vals if abs(x - v) < 1e-6}
odd = [x for x in vals if min(abs(x - 0.030), abs(x - 0.061)) > 1e-6]
print("%d values, seen %s, odd %s" % (len(vals), sorted(seen), odd[:5]))
sys.exit(0 if seen == {0.030, 0.061} and not odd else 1)
PYEOF
unset RRDCACHED_ADDRESS

# (b) kill rrdcached hard, keep it away ~5 s, bring it back
before=$(samples_n centre-tp)
rrdc_kill
sleep 5		# deliberate: rrdcached away ~5 s
rrdc_start
wait_for 15 grep -q "is back" "$W/daemon.log" || echo "no reconnect logged"
wait_samples 10 centre-tp $((before + 12)) || echo "few samples after"
n=$(samples_n centre-tp)
kill -STOP "$RRDC_PID"
# stopped until the daemon's request to it timed out and 3 polls went on
stuck() {
	grep -q 'timed out; buffering' "$W/daemon.log" &&
	    test "$(samples_n centre-tp)" -ge "$1"
}
wait_for 15 stuck $((n + 3)) || echo "no time-out or fewer than 3 polls in 15 s"
check "(b) stuck rrdcached: polling goes on" \
    test "$(samples_n centre-tp)" -ge $((n + 3))
kill -CONT "$RRDC_PID"
back_twice() { test "$(grep -c 'is back' "$W/daemon.log")" -ge 2; }
wait_for 10 back_twice || echo "no second return logged"
stop_daemon
check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
grep -E "store|rrdcached" "$W/daemon.log"
check "(b) each outage logged once, and each return" test \
    "$(grep -c 'buffering updates' "$W/daemon.log")" -eq 2 -a \
    "$(grep -c 'timed out; buffering' "$W/daemon.log")" -eq 1 -a \
    "$(grep -c 'is back' "$W/daemon.log")" -eq 2
check "(b) no stale or comm alert from the store's stalls" \
    test "$(grep -c ':stale:\|:comm:' "$W/daemon.log")" -eq 0
check "(b) nothing left unwritten at stop" \
    test "$(grep -c 'not written' "$W/daemon.log")" -eq 0
# after the stop (which flushed), straight from the files
check "(b) centre-tp: every valid sample in the RRD, across the kill" \
    store_compare centre-tp
check "(b) intake-tp: every valid sample in the RRD, across the kill" \
    store_compare intake-tp
check "(b) the run spanned the outage" test \
    "$(samples_n centre-tp)" -ge $((before + 12))
finish
