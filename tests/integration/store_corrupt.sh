# A truncated and a garbled RRD file under the running daemon (librrd
# directly), then a garbled one found at start-up (through rrdcached):
# each time the daemon logs one line, moves the file aside as .bad,
# starts a new one and keeps polling. The values it still holds in its
# buffer go into the new file, so no reading of the run is missing.
# (store_batch = 0: the core hands each reading to the store at once,
# rather than holding it up to 10 s to batch updates.)
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/store_lib.sh"
unset RRDCACHED_ADDRESS

start_sim --tp-steps "0.030:4,0.061:4,0.030"
rrd=$W/state/rrd
bads() { ls "$rrd/$1".rrd.*.bad 2>/dev/null | wc -l; }
# next_sample SENSOR: wait for its next line (the RRD update before it is
# done, and the next one is a second away)
next_sample() { wait_samples 5 "$1" $(($(samples_n "$1") + 1)); }

store_conf ""
lwd_start run1 "$W/lw.conf"
wait_samples 15 centre-tp 4 || die "no samples in 15 s"
next_sample centre-tp
truncate -s 1000 "$rrd/centre-tp.rrd"
wait_samples 10 centre-tp $(($(samples_n centre-tp) + 3))
next_sample intake-tp
dd if=/dev/urandom of="$rrd/intake-tp.rrd" bs=64 count=1 conv=notrunc \
    2>/dev/null
wait_samples 10 intake-tp $(($(samples_n intake-tp) + 3))
check "the daemon is still running" kill -0 "$DAEMON_PID"
stop_daemon
grep -E "store|sensor|rrd" "$W/run1.log"
check "librrd: daemon exits 0" test "$DAEMON_RC" -eq 0
check "truncated file: one line, moved aside, a new file" test \
    "$(grep -c "centre-tp.*not a usable RRD" "$W/run1.log")" -eq 1 -a \
    "$(bads centre-tp)" -eq 1
check "garbled file: one line, moved aside, a new file" test \
    "$(grep -c "intake-tp.*not a usable RRD" "$W/run1.log")" -eq 1 -a \
    "$(bads intake-tp)" -eq 1
for s in centre-tp intake-tp; do
	check "$s: the new file is an RRD" rrdtool info "$rrd/$s.rrd" \
	    >/dev/null
	check "$s: every valid sample of the run is in the new file" \
	    store_compare "$s"
done

rrdc_start
store_conf "rrdcached = unix:$RRDC_SOCK"
head -c 5000 /dev/urandom >"$rrd/centre-tp.rrd"
since=$(($(date +%s) + 1))	# run1's last second is past
lwd_start run2 "$W/lw.conf"
wait_samples 15 centre-tp $(($(samples_n centre-tp) + 5)) ||
    echo "few samples after the restart"
check "the daemon is still running" kill -0 "$DAEMON_PID"
stop_daemon
grep -E "store|sensor|rrd" "$W/run2.log"
check "rrdcached: daemon exits 0" test "$DAEMON_RC" -eq 0
check "rrdcached: garbled at start-up: one line, aside, a new file" test \
    "$(grep -c "not a usable RRD" "$W/run2.log")" -eq 1 -a \
    "$(bads centre-tp)" -eq 2
check "rrdcached: every valid sample since in the new file" \
    store_compare centre-tp "$since"
finish
