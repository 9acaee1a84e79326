# Commissioning with `lakewatch probe` (issue 14 item 10): on an RTU line
# that passes bytes only when both ends are set alike
# (tests/peers/serial_line.py; a plain pty pair would "answer" at every
# setting), --scan-serial finds the baud rate and parity the simulator
# was started with, --scan-units the unit ids, and --print-config
# prints a block that `lakewatch check` accepts. --loop polls every
# interval and stops on SIGINT with a summary and exit 0. Against
# pymodbus over TCP, --scan-units finds the one unit it serves.
. "$(dirname "$0")/../lib.sh"

# a setting the scan reaches late: not the first baud, not parity N
BAUD=38400
PAR=O
bg line "$PY" "$TOP/tests/peers/serial_line.py" "$W/ttyA" "$W/ttyB"
wait_for 10 test -e "$W/ttyB" || die "serial_line did not start"
bg sim "$BIN/lwsim" --rtu "$W/ttyA" --baud "$BAUD" --parity "$PAR" \
    --tp-steps "0.054082036"
wait_for 10 grep -q "serving rtu" "$W/sim.log" || die "lwsim did not start"

"$BIN/lakewatch" probe -d "$W/ttyB" -b 9600 -P N -u 1 -T 200ms \
    >"$W/wrong.out" 2>&1
check "at 9600 8N1 the device is silent (the line drops it)" \
    grep -q "timeout: no reply" "$W/wrong.out"

"$BIN/lakewatch" probe -d "$W/ttyB" --scan-serial --print-config \
    >"$W/serial.out" 2>&1
RC=$?
cat "$W/serial.out"
check "--scan-serial: exit 0" test "$RC" -eq 0
check "... finds $BAUD 8${PAR}1 unit 1" grep -qx "found $BAUD 8${PAR}1, unit 1" \
    "$W/serial.out"
check "... after trying the settings before it" grep -q \
    "^ 19200 8O1: no answer" "$W/serial.out"
sed -n '/^\[bus /,$p' "$W/serial.out" >"$W/block.conf"
check "--print-config: the block has the setting and the word order" eval \
    'grep -qx "baud = $BAUD" "$W/block.conf" &&
    grep -qx "parity = $PAR" "$W/block.conf" &&
    grep -qx "unit = 1" "$W/block.conf" &&
    grep -qx "word_order = cdab" "$W/block.conf" &&
    grep -qx "timeout = 1s" "$W/block.conf"'
"$BIN/lakewatch" check -c "$W/block.conf" >"$W/check.out" 2>&1
RC=$?
cat "$W/check.out"
check "... and lakewatch check accepts it" eval \
    '[ -s "$W/block.conf" ] && [ "$RC" -eq 0 ]'
"$BIN/lakewatch" probe -c "$W/block.conf" --sensor unit-1 >"$W/sensor.out" 2>&1
check "... and reads the simulator's 0.054 with it" grep -q \
    '^configured: float32 cdab at 0 -> 0\.054' "$W/sensor.out"

"$BIN/lakewatch" probe -d "$W/ttyB" -b "$BAUD" -P "$PAR" --scan-units=1-4 \
    >"$W/units.out" 2>&1
RC=$?
cat "$W/units.out"
check "--scan-units=1-4 finds lwsim's units 1 and 2" eval \
    '[ $RC -eq 0 ] && grep -qx "found $BAUD 8${PAR}1, units 1 2" "$W/units.out"'

# --loop: N lines, then SIGINT ends it with a summary and exit 0
"$BIN/lakewatch" probe -d "$W/ttyB" -b "$BAUD" -P "$PAR" -u 1 -n 3 \
    --loop=200ms >"$W/loop.out" 2>&1 &
LOOP=$!
PIDS+=("$LOOP")
polls() { grep -c '^ *[0-9]* .* 0-2: 0x8520 0x3D5D 0x0001 ' "$W/loop.out"; }
wait_for 20 eval '[ "$(polls)" -ge 5 ]'
kill -INT "$LOOP"
wait "$LOOP"
RC=$?
cat "$W/loop.out"
check "--loop: at least 5 good polls" test "$(polls)" -ge 5
check "... SIGINT: exit 0" test "$RC" -eq 0
check "... and a summary with every poll ok" grep -q \
    "^--- $(polls) polls: $(polls) ok, 0 timeouts" "$W/loop.out"

"$BIN/lakewatch" probe -d "$W/ttyB" -b 9600 -u 1 -l -T 100ms \
    >"$W/loopbad.out" 2>&1 &
LOOP=$!
PIDS+=("$LOOP")
wait_for 20 eval '[ "$(grep -c "timeout: no reply" "$W/loopbad.out")" -ge 2 ]'
kill -INT "$LOOP"
wait "$LOOP"
RC=$?
check "--loop with no answer at all: exit 1 (as ping)" test "$RC" -eq 1
check "... the timeouts counted" grep -q "polls: 0 ok, [0-9]* timeouts" \
    "$W/loopbad.out"

"$BIN/lakewatch" probe -h 127.0.0.1 --scan-serial >"$W/u.out" 2>&1
check "--scan-serial on tcp: exit 64" test $? -eq 64
"$BIN/lakewatch" probe -h 127.0.0.1 --loop -j >"$W/u.out" 2>&1
check "--loop with -j: exit 64" test $? -eq 64

# pymodbus (not our code) serving unit 7 only; it ignores the others
rm -f "$W/py.port"
bg pymodbus "$PY" "$TOP/tests/peers/pymodbus_server.py" --port-file \
    "$W/py.port" --unit 7
wait_for 20 test -s "$W/py.port" || die "pymodbus server did not start"
"$BIN/lakewatch" probe -h 127.0.0.1 -p "$(cat "$W/py.port")" \
    --scan-units=3-9 --print-config >"$W/py.out" 2>&1
RC=$?
cat "$W/py.out"
check "pymodbus: --scan-units=3-9 finds unit 7 only" eval \
    '[ $RC -eq 0 ] && grep -qx "found unit 7" "$W/py.out"'
sed -n '/^\[bus /,$p' "$W/py.out" >"$W/py.conf"
"$BIN/lakewatch" check -c "$W/py.conf" >/dev/null 2>&1
RC=$?
check "... its block passes lakewatch check" eval \
    '[ -s "$W/py.conf" ] && [ "$RC" -eq 0 ]'
finish
