# A FIFO where a sample-log month file belongs (a hostile or careless
# hand in the state directory) must not hang the core loop: open(2) of a
# FIFO for writing waits for a reader. The daemon refuses it ("not a
# regular file", logged), keeps that sensor's rows in its buffer, and
# goes on: the other sensor's rows, status.json, and a prompt stop.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030"
start_receiver
station_conf "$W/lw.conf" "host = 127.0.0.1" "port = $SIM_PORT"
month=$(date -u +%Y-%m)
mkdir -p "$W/state/samples/centre-tp"
mkfifo "$W/state/samples/centre-tp/$month.csv"
start_daemon "$W/lw.conf"
wait_for 20 rows_ge intake-tp N 3
check "the other sensor's readings are logged (the core loop runs)" \
    rows_ge intake-tp N 3
wait_for 10 test -s "$W/state/status.json"
check "status.json is written" test -s "$W/state/status.json"
check "the FIFO is refused, and said so" \
    grep -q "centre-tp/$month.csv: not a regular file" "$W/daemon.log"
t0=$SECONDS
stop_daemon
check "stops at once, exit 0 (rc $DAEMON_RC, $((SECONDS - t0)) s)" \
    test "$DAEMON_RC" -eq 0 -a $((SECONDS - t0)) -le 5
check "the FIFO is left as it was" test -p "$W/state/samples/centre-tp/$month.csv"
cat "$W/daemon.log"
finish
