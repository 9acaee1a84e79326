# Errors by kind, against the simulator with faults injected: a merged
# read refused (02) is split, a sensor's own refused registers disable
# it once; exception 04 flags D without reconnecting; dropped connections
# reconnect and mark only their own fields; a silent device costs only
# its own bus: the healthy bus beside it stays on time.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030" --fault "2:exception=4@2-7" --fault "1:drop=6"
A=$SIM_PORT
bg simb "$BIN/lwsim" --tcp 127.0.0.1:0 --port-file "$W/b.port" --fault "1:silent"
bg simc "$BIN/lwsim" --tcp 127.0.0.1:0 --port-file "$W/c.port"
wait_for 10 test -s "$W/b.port" -a -s "$W/c.port" || die "simulators"
cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
store_batch = 0
[bus a]
host = 127.0.0.1
port = $A
timeout = 300ms
[bus b]
host = 127.0.0.1
port = $(cat "$W/b.port")
timeout = 300ms
[bus c]
host = 127.0.0.1
port = $(cat "$W/c.port")
[sensor centre-tp]
bus = a
register = 0
word_order = cdab
status_register = 2
[sensor centre-temp]
bus = a
parameter = temp
register = 3
[sensor bogus]
bus = a
parameter = cond
type = uint16
register = 9
[sensor intake-tp]
bus = a
unit = 2
register = 0
[sensor dead-tp]
bus = b
register = 0
[sensor healthy-tp]
bus = c
register = 0
word_order = cdab
CONF
start_daemon "$W/lw.conf"
# the polls the checks below count, then a status.json written after them
polled() {
	rows_ge healthy-tp N 12 && rows_ge centre-tp N 8 &&
	    rows_ge dead-tp B 5 && rows_ge bogus D 1 && rows_ge intake-tp D 1 &&
	    { rows_ge centre-tp B 1 || rows_ge centre-temp B 1; } &&
	    test "$(cat "$W"/state/samples/intake-tp/*.csv | tail -n 6 |
	    grep -c ',N,')" -ge 2 &&
	    grep -q "sensor 'bogus'.*polls in a row" "$W/daemon.log"
}
wait_for 30 polled || echo "fewer polls than the checks want after 30 s"
t=$(date +%s.%N)
wait_for 10 status_after "$t" || echo "no status.json after the polls"
"$BIN/lakewatch" status -c "$W/lw.conf"
"$BIN/lakewatch" status -j -c "$W/lw.conf" >"$W/status.json"
stop_daemon
cat "$W/daemon.log"
log=$W/daemon.log
samples() { cat "$W"/state/samples/"$1"/*.csv; }

check "a refused merged read is split, said once" \
    test "$(grep -c "refused the merged read" "$log")" -eq 1
# refused 3 polls in a row while the unit answers: put aside (issue 10.13)
check "the sensor whose registers are refused is disabled, said once" \
    test "$(grep -c "sensor 'bogus': unit 1 refused registers 9-9 (" \
    "$log")" -eq 1 -a "$(grep -c "sensor 'bogus'.*polls in a row" \
    "$log")" -eq 1
check "bogus readings flagged D" grep -q ',D,' <(samples bogus)
check "centre-tp keeps its readings (N) after the split" \
    test "$(samples centre-tp | grep -c ',N,')" -ge 8
check "exception 04 flags intake-tp D" grep -q ',D,' <(samples intake-tp)
check "intake-tp normal again after the fault window" \
    test "$(samples intake-tp | tail -n 6 | grep -c ',N,')" -ge 2
# which of unit 1's two reads the 6th request is depends on timing
check "dropped connections: some unit 1 readings flagged B" \
    grep -q ',B,' <(samples centre-tp; samples centre-temp)
check "silent device: dead-tp flagged B, never N" \
    test "$(samples dead-tp | grep -c ',B,')" -ge 5 -a \
    "$(samples dead-tp | grep -c ',N,')" -eq 0
check "healthy-tp every second, all N" \
    test "$(samples healthy-tp | grep -c ',N,')" -ge 12
"$PY" - "$W/status.json" <<'PYEOF' >"$W/buses"
import json, sys
j = json.load(open(sys.argv[1]))
for b in j["buses"]:
    print(b["name"], b["reconnects"], b["timeouts"], b["exceptions"].get("04", 0),
          b["exceptions"].get("02", 0), round(b["lag_max_ms"], 1))
PYEOF
cat "$W/buses"
read -r _ a_rec _ a_e04 a_e02 _ <<<"$(grep '^a ' "$W/buses")"
read -r _ _ b_to _ _ _ <<<"$(grep '^b ' "$W/buses")"
read -r _ _ _ _ _ c_lag <<<"$(grep '^c ' "$W/buses")"
check "bus a reconnected after drops ($a_rec connects)" test "$a_rec" -ge 2
check "bus a counted exceptions 04 ($a_e04) and 02 ($a_e02)" \
    test "$a_e04" -ge 1 -a "$a_e02" -ge 1
check "bus b counted time-outs ($b_to)" test "$b_to" -ge 3
# not blocked by bus b's 300 ms time-outs (the 50 ms jitter target is
# measured by make bench on a quiet machine; here other work may run)
check "bus c stayed on time: lag max $c_lag ms < 250" \
    awk -v l="$c_lag" 'BEGIN { exit !(l < 250) }'
check "down logged once per outage, not per failure" \
    test "$(grep -c "bus 'b': down" "$log")" -le 1
finish
