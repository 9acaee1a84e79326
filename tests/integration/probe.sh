# `lakewatch probe` against the simulator: the register table, the four
# float word orders side by side, -1 addressing, JSON, --sensor mode and
# the exit codes (0 ok, 1 Modbus error, 64 usage, 78 config).
. "$(dirname "$0")/../lib.sh"

# 0.054082036 is stored as 0x3D5D8520: the DOMAIN.md 3.4 test vector
# [0x85,0x20,0x3D,0x5D] CDAB -> 0.05408
start_sim --tp-steps "0.054082036"
P=(probe -h 127.0.0.1 -p "$SIM_PORT")

# near COL X: the float in column X of pair row "0-1" (trailing '*'
# dropped) is within 5e-6 of 0.05408
near() {
	awk -v c="$1" '$1 == "0-1" { x = $c; sub(/\*$/, "", x); d = x - 0.05408
	    if (d < 0) d = -d; if (x != "" && d < 5e-6) f = 1 }
	    END { exit !f }' "$2"
}
not() { ! "$@"; }
# regs FILE: the rows of registers 0-2 (what does not change over time)
regs() { awk '$1 ~ /^[0-9]+$/ && $1 <= 2 && $2 ~ /^0x/' "$1"; }

"$BIN/lakewatch" "${P[@]}" -u 1 -a 0 -n 6 >"$W/p0.out" 2>&1
check "probe unit 1 at 0 count 6 exits 0" test $? -eq 0
cat "$W/p0.out"
check "header has link, unit, fc, range, rtt" grep -q \
    '^read .*0-5 (0x0000-0x0005, 40001-40006): 6 registers in [0-9.]* ms' \
    "$W/p0.out"
check "register 0 raw 0x8520" awk '$1 == 0 && $5 == "0x8520" { f = 1 }
    END { exit !f }' "$W/p0.out"
check "register 1 raw 0x3D5D" awk '$1 == 1 && $5 == "0x3D5D" { f = 1 }
    END { exit !f }' "$W/p0.out"
check "pair 0-1: 0.05408 in the CDAB column" near 3 "$W/p0.out"
check "pair 0-1: CDAB marked plausible" awk '$1 == "0-1" && $3 ~ /\*$/ {
    f = 1 } END { exit !f }' "$W/p0.out"
check "pair 0-1: not in the ABCD column" not near 2 "$W/p0.out"
check "status word shown as ascii, uint16 1" awk '$1 == 2 && $6 == 1 {
    f = 1 } END { exit !f }' "$W/p0.out"

"$BIN/lakewatch" "${P[@]}" -u 1 -1 -a 1 -n 6 >"$W/p1.out" 2>&1
check "-1 -a 1 exits 0" test $? -eq 0
check "-1 -a 1 reads the same registers" diff <(regs "$W/p0.out") \
    <(regs "$W/p1.out")
check "-1 -a 1 covers 0-5" grep -q '^read .*0-5 ' "$W/p1.out"
"$BIN/lakewatch" "${P[@]}" -u 1 -1 -a 40001 -n 6 >"$W/p4.out" 2>&1
check "-1 -a 40001 reads the same registers" diff <(regs "$W/p0.out") \
    <(regs "$W/p4.out")

"$BIN/lakewatch" "${P[@]}" -u 1 -a 0 -n 6 -j >"$W/p.json"
check "-j exits 0" test $? -eq 0
check "-j is JSON with the CDAB value" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
p = d["pairs"][0]
assert d["unit"] == 1 and d["function"] == 3, d
assert abs(p["float32"]["cdab"] - 0.05408) < 5e-6, p
assert abs(p["float32"]["abcd"] - 0.05408) > 1e-3, p
assert "cdab" in p["plausible"], p
assert d["registers"][0]["raw"] == "0x8520", d["registers"][0]
assert d["registers"][1]["raw"] == "0x3D5D", d["registers"][1]
assert len(d["registers"]) == 6 and len(d["pairs"]) == 5
' "$W/p.json"

"$BIN/lakewatch" "${P[@]}" -u 1 -a 200 -n 2 >"$W/exc.out" 2>&1
check "a register past the map exits 1" test $? -eq 1
check "... with the exception named" grep -q \
    'exception 02 illegal data address' "$W/exc.out"
"$BIN/lakewatch" "${P[@]}" -u 9 -T 200ms >"$W/to.out" 2>&1
check "a silent unit exits 1 with a timeout" test $? -eq 1
check "... saying so, in ms" grep -q 'timeout: no reply within 200 ms' \
    "$W/to.out"

cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
[bus station]
type = tcp
host = 127.0.0.1
port = $SIM_PORT
timeout = 500ms
[sensor centre-tp]
bus = station
unit = 1
register = 0
word_order = cdab
status_register = 2
CONF
"$BIN/lakewatch" probe -c "$W/lw.conf" --sensor centre-tp >"$W/s.out" 2>&1
check "--sensor exits 0" test $? -eq 0
cat "$W/s.out"
check "--sensor shows the configured value and flag" grep -q \
    '^configured: float32 cdab at 0 -> 0\.054 mg/L flag N' "$W/s.out"
check "--sensor reads value and status, 0-2" grep -q '^read .*0-2 ' \
    "$W/s.out"
check "--sensor: the bus's timeout as people read it" grep -q \
    "^link .*(bus 'station'), timeout 500 ms$" "$W/s.out"
"$BIN/lakewatch" probe -c "$W/lw.conf" --sensor centre-tp -j >"$W/s.json"
check "--sensor -j has the configured value" "$PY" -c '
import json, sys
c = json.load(open(sys.argv[1]))["configured"]
assert c["value"] == 0.054 and c["flag"] == "N" and c["status"] == 1, c
' "$W/s.json"
"$BIN/lakewatch" probe -c "$W/lw.conf" --bus station -u 2 -a 0 -n 2 \
    >"$W/b.out" 2>&1
check "--bus with unit 2 exits 0" test $? -eq 0

if can_valgrind; then
	valgrind -q --leak-check=full --error-exitcode=99 \
	    --errors-for-leak-kinds=definite,indirect,possible \
	    "$BIN/lakewatch" probe -c "$W/lw.conf" --sensor centre-tp -j \
	    >/dev/null 2>"$W/vg.out"
	check "valgrind: no errors, no leaks" test $? -eq 0
	cat "$W/vg.out"
fi

# a closed port: the simulator's, after it is gone
kill -TERM "$SIM_PID"
wait "$SIM_PID" 2>/dev/null
"$BIN/lakewatch" "${P[@]}" >"$W/closed.out" 2>&1
check "a closed port exits 1" test $? -eq 1
cat "$W/closed.out"
check "... saying it cannot connect" grep -q \
    "cannot connect to tcp 127.0.0.1:$SIM_PORT" "$W/closed.out"

"$BIN/lakewatch" probe -x >"$W/usage.out" 2>&1
check "a bad option exits 64 (EX_USAGE)" test $? -eq 64
check "... with the usage" grep -q '^usage: lakewatch probe' "$W/usage.out"
"$BIN/lakewatch" probe -n 126 -h 127.0.0.1 >/dev/null 2>&1
check "-n 126 exits 64 (EX_USAGE)" test $? -eq 64
"$BIN/lakewatch" probe -c "$W/lw.conf" --sensor nosuch >/dev/null 2>&1
check "an unknown sensor exits 64 (EX_USAGE)" test $? -eq 64
printf '[bus x]\ntype = serial\n' >"$W/bad.conf"
"$BIN/lakewatch" probe -c "$W/bad.conf" --bus x >"$W/bad.out" 2>&1
check "a config that does not load exits 78" test $? -eq 78
check "... with FILE:LINE: message" grep -q "^$W/bad.conf:2: " "$W/bad.out"
finish
