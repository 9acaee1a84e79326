# The real daemon against our simulator over Modbus TCP: values in the RRD,
# exactly one firing and one resolved POST at a real HTTP receiver.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030:6,0.061:6,0.030"
start_receiver
station_conf "$W/lw.conf" "host = 127.0.0.1" "port = $SIM_PORT" \
    "timeout = 500ms"
check "config is valid" "$BIN/lakewatchd" -t -c "$W/lw.conf"
run_alert_cycle "$W/lw.conf"
alert_cycle_checks
check "temperature about 12 C" rrd_all_within "$W/state/rrd/centre-temp.rrd" 5 20
check "intake about 0.030" rrd_all_within "$W/state/rrd/intake-tp.rrd" 0.02 0.04
check "one request per unit per cycle (plan)" \
    grep -q "2 requests per cycle" <("$BIN/lakewatch" check -c "$W/lw.conf")
finish
