# A step of the wall clock (NTP, an operator's date -s) neither stops the
# polls nor fires a stale alert: the daemon schedules on the monotonic
# clock, stamps readings with the wall clock and logs the step once. The
# daemon's wall clock alone is stepped (tests/sim/clockshift.c).
. "$(dirname "$0")/../lib.sh"

SHIM=$BIN/tests/clockshift.so
[ -f "$SHIM" ] || die "$SHIM missing: make tests"
OFF=$W/clock.offset
echo 0 >"$OFF"
WRAP="env LD_PRELOAD=$SHIM LW_CLOCK_OFFSET_FILE=$OFF \
    ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 ${WRAP:-}"

start_sim --tp-steps "0.030"
start_receiver
station_conf "$W/lw.conf" "host = 127.0.0.1" "port = $SIM_PORT"
LOG=$W/state/samples/centre-tp

# samples: lines in the sample log of centre-tp
samples() { cat "$LOG"/*.csv 2>/dev/null | wc -l; }
samples_ge() { [ "$(samples)" -ge "$1" ]; }
# newest_near SECONDS: the last line's time is within 3 s of now+SECONDS
newest_near() {
	"$PY" - "$LOG" "$1" <<'PYEOF'
import datetime, glob, sys, time
last = max(open(f).read().splitlines()[-1] for f in glob.glob(sys.argv[1] + "/*.csv"))
t = datetime.datetime.strptime(last.split(",")[0], "%Y-%m-%dT%H:%M:%SZ")
t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
want = time.time() + float(sys.argv[2])
print("newest sample", last, "off by", t - want)
sys.exit(0 if abs(t - want) <= 3 else 1)
PYEOF
}
steps_logged() { grep -c "wall clock stepped" "$W/daemon.log"; }

start_daemon "$W/lw.conf"
wait_for 10 samples_ge 3 || die "no samples before the step"
# past the start-up grace (2 intervals), so that a stale alert could
# fire: two polls more
wait_for 10 samples_ge 5 || die "no polls after the first ones"

# back 120 s: the daemon's slots, if taken from the wall clock, are
# then 120 s away
echo -120 >"$OFF"
n=$(samples)
check "polls go on after a step back of 120 s ($n, then 6 more in 10 s)" \
    wait_for 10 samples_ge $((n + 6))
check "readings stamped with the stepped wall clock" newest_near -120
check "the step back is logged once" test "$(steps_logged)" -eq 1
grep "wall clock stepped" "$W/daemon.log"

# and forward again by 120 s
echo 0 >"$OFF"
n=$(samples)
check "polls go on after a step forward of 120 s ($n, then 6 more in 10 s)" \
    wait_for 10 samples_ge $((n + 6))
check "readings stamped with the wall clock again" newest_near 0
check "the step forward is logged once (2 in all)" test "$(steps_logged)" -eq 2

env LD_PRELOAD="$SHIM" LW_CLOCK_OFFSET_FILE="$OFF" \
    "$BIN/lakewatch" status -c "$W/lw.conf" >"$W/status.txt" 2>&1
cat "$W/status.txt"
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
cat "$HOOK_LOG"
check "no stale alert posted" test "$(grep -c '"stale"' "$HOOK_LOG")" -eq 0
check "no alert posted at all" test "$(events firing)" -eq 0
grep -E "stepped|stale|alert" "$W/daemon.log"
finish
