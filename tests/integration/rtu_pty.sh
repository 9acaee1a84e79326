# Modbus RTU: our simulator on one end of a socat pty pair, the daemon on
# the other (9600 8N1 as configured; a pty does not enforce the rate).
. "$(dirname "$0")/../lib.sh"

bg socat socat -d -d pty,raw,echo=0,link="$W/ttyA" pty,raw,echo=0,link="$W/ttyB"
wait_for 10 test -e "$W/ttyB" || die "socat did not make the pty pair"
bg sim "$BIN/lwsim" --rtu "$W/ttyA" --baud 9600 --tp-steps "0.030:6,0.061:6,0.030"
wait_for 10 grep -q "serving rtu" "$W/sim.log" || die "lwsim did not start"
start_receiver
station_conf "$W/lw.conf" "type = rtu" "device = $W/ttyB" "baud = 9600" \
    "parity = N" "data_bits = 8" "stop_bits = 1" "timeout = 300ms" "gap = 20ms"
run_alert_cycle "$W/lw.conf"
alert_cycle_checks
check "intake about 0.030 over RTU" rrd_all_within "$W/state/rrd/intake-tp.rrd" 0.02 0.04
finish
