# TCP polls on the pool's leading thread (bus.c step, pool.h): a reply
# that comes in two parts 300 ms apart is waited for and taken whole (no
# time-out, the right value, latency counted); a reply with a wrong
# transaction id is refused like libmodbus refuses it (counted, fields
# flagged B, nothing stored as a value) and the bus goes on; a healthy
# bus beside them is polled every second; the station runs on a handful
# of threads.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030" --fault "1:split=300"
A=$SIM_PORT
bg simb "$BIN/lwsim" --tcp 127.0.0.1:0 --port-file "$W/b.port" \
    --tp-steps "0.030" --fault "1:badtid"
bg simc "$BIN/lwsim" --tcp 127.0.0.1:0 --port-file "$W/c.port" \
    --tp-steps "0.045"
wait_for 10 test -s "$W/b.port" -a -s "$W/c.port" || die "simulators"
cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
store_batch = 0
[bus a]
host = 127.0.0.1
port = $A
timeout = 800ms
[bus b]
host = 127.0.0.1
port = $(cat "$W/b.port")
timeout = 300ms
retries = 1
[bus c]
host = 127.0.0.1
port = $(cat "$W/c.port")
[sensor split-tp]
bus = a
register = 0
word_order = cdab
status_register = 2
[sensor badtid-tp]
bus = b
register = 0
word_order = cdab
[sensor healthy-tp]
bus = c
register = 0
word_order = cdab
CONF
start_daemon "$W/lw.conf"
# the polls the checks below count, then a status.json written after them
polled() {
	rows_ge split-tp N 9 && rows_ge badtid-tp B 5 && rows_ge healthy-tp N 10
}
wait_for 30 polled || echo "fewer polls than the checks want after 30 s"
t=$(date +%s.%N)
wait_for 10 status_after "$t" || echo "no status.json after the polls"
"$BIN/lakewatch" status -j -c "$W/lw.conf" >"$W/status.json"
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$DAEMON_PID/status" \
    2>/dev/null)
stop_daemon
cat "$W/daemon.log"
samples() { cat "$W"/state/samples/"$1"/*.csv; }

check "split replies: split-tp 0.030 and N, every poll" \
    test "$(samples split-tp | grep -c '^[^,]*,0.03,N,')" -ge 9 -a \
    "$(samples split-tp | grep -vc '^[^,]*,0.03,N,')" -eq 1
check "wrong transaction id: badtid-tp flagged B, never a value" \
    test "$(samples badtid-tp | grep -c ',B,')" -ge 5 -a \
    "$(samples badtid-tp | grep -c ',N,')" -eq 0
check "healthy-tp 0.045 N every second" \
    test "$(samples healthy-tp | grep -c '^[^,]*,0.045,N,')" -ge 10
"$PY" - "$W/status.json" <<'PYEOF' >"$W/buses"
import json, sys
j = json.load(open(sys.argv[1]))
for b in j["buses"]:
    print(b["name"], b["requests"], b["ok"], b["timeouts"], b["crc_errors"],
          int(b["latency_max_ms"]), int(b["lag_max_ms"]), b["stray_replies"])
PYEOF
cat "$W/buses"
read -r _ a_req a_ok a_to a_crc a_lat _ <<<"$(grep '^a ' "$W/buses")"
read -r _ b_req b_ok _ _ _ _ b_stray <<<"$(grep '^b ' "$W/buses")"
read -r _ _ _ _ _ _ c_lag _ <<<"$(grep '^c ' "$W/buses")"
check "bus a: every request answered ($a_ok of $a_req), no time-out" \
    test "$a_req" -ge 9 -a "$a_ok" -eq "$a_req" -a "$a_to" -eq 0 -a \
    "$a_crc" -eq 0
check "bus a: latency counts the wait for the second part ($a_lat ms)" \
    test "$a_lat" -ge 290
# a reply under another transaction id answers no request of ours: it
# is dropped and counted (issue 10.1), and the request times out
check "bus b: other transactions' replies dropped ($b_stray), none ok" \
    test "$b_stray" -ge 5 -a "$b_ok" -eq 0
check "bus c on time beside them: lag max $c_lag ms < 250" \
    test "$c_lag" -lt 250
[ -n "${WRAP:-}" ] || check "a handful of threads ($threads)" \
    test "${threads:-99}" -le 8
finish
