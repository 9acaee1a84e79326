# A Modbus server we did not write: Debian's pymodbus, floats in CDAB.
. "$(dirname "$0")/../lib.sh"

rm -f "$W/py.port"
bg pymodbus "$PY" "$TOP/tests/peers/pymodbus_server.py" --port-file "$W/py.port" \
    --order cdab --tp-steps "0.030:6,0.061:6,0.030"
wait_for 20 test -s "$W/py.port" || die "pymodbus server did not start"
start_receiver
{
	printf '[daemon]\nstate_dir = state\ninterval = 1\n'
	printf '[bus py]\nhost = 127.0.0.1\nport = %s\ntimeout = 1s\n' "$(cat "$W/py.port")"
	printf '[sensor centre-tp]\nbus = py\nunit = 1\nregister = 0\n'
	printf 'word_order = cdab\nstatus_register = 2\nsite = 长荡湖湖心\n'
	printf '[sensor centre-temp]\nbus = py\nunit = 1\nparameter = temp\nregister = 3\n'
	printf '[webhook test]\nurl = %s\n' "$HOOK_URL"
} >"$W/lw.conf"
run_alert_cycle "$W/lw.conf"
alert_cycle_checks "centre-tp centre-temp"
check "pymodbus temperature 11.5 (ABCD)" rrd_has "$W/state/rrd/centre-temp.rrd" 11.5 1e-6
finish
