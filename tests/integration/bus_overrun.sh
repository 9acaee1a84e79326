# A slot with no answer still leaves its row: a device that answers
# after 1.5 s makes each poll of a 1 s interval overrun into the next
# slot. The audit trail shows every slot, one row a second without a
# gap, the slots the bus was too busy to poll as B rows; a healthy bus
# beside it keeps every row N.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030" --fault "1:slow=1500"
bg simb "$BIN/lwsim" --tcp 127.0.0.1:0 --port-file "$W/b.port"
wait_for 10 test -s "$W/b.port" || die "lwsim b"
cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
store_batch = 0
[bus slow]
host = 127.0.0.1
port = $SIM_PORT
timeout = 3s
retries = 0
[bus ok]
host = 127.0.0.1
port = $(cat "$W/b.port")
[sensor slow-tp]
bus = slow
register = 0
word_order = cdab
[sensor ok-tp]
bus = ok
register = 0
word_order = cdab
CONF
start_daemon "$W/lw.conf"
samples() { tail -q -n +2 "$W"/state/samples/"$1"/*.csv 2>/dev/null; }
# eval: the count is taken again on every try
wait_for 60 eval '[ "$(samples slow-tp | grep -c ,N,)" -ge 8 ]'
stop_daemon
cat "$W/daemon.log"
# gaps FILE-ROWS: slots missing between the first and the last row
gaps() {
	"$PY" -c 'import sys, datetime
ts = [datetime.datetime.strptime(l.split(",")[0], "%Y-%m-%dT%H:%M:%SZ")
      for l in sys.stdin if l.strip()]
span = int((ts[-1] - ts[0]).total_seconds()) + 1 if ts else 0
print(span - len(set(ts)), len(ts), span)'
}
read -r gap n span <<<"$(samples slow-tp | gaps)"
read -r ogap on ospan <<<"$(samples ok-tp | gaps)"
echo "slow-tp: $n rows over $span slots; ok-tp: $on rows over $ospan"
check "slow-tp: a row for every slot ($n rows, $span slots, $gap missing)" \
    test "$gap" -eq 0 -a "$n" -ge 12
check "slow-tp: answered slots N, missed ones B" \
    test "$(samples slow-tp | grep -c ',N,')" -ge 8 -a \
    "$(samples slow-tp | grep -c ',B,')" -ge 4
check "ok-tp: every slot, all N ($on rows, $ogap missing)" \
    test "$ogap" -eq 0 -a "$(samples ok-tp | grep -vc ',N,')" -eq 0
finish
