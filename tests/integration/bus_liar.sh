# A reading is never filed under another unit: two Modbus TCP devices
# (tests/peers/liar.py) serve unit 1 (TP 0.03) and unit 7 (TP 0.09) and
# lie about their replies: repeated, late (after the time-out, while the
# retry is under way), out of order, with another unit's id under our
# transaction id, behind bytes that are no frame. Bus "fast" is polled
# on the non-blocking path, bus "slow" (a gap) on the blocking one.
# Every N reading of unit 1 is 0.03 and of unit 7 is 0.09, readings
# keep coming, the dropped replies are counted in status and logged
# once per bus, and no alert fires for unit 1.
. "$(dirname "$0")/../lib.sh"

start_receiver
for b in fast slow; do
	bg "liar-$b" "$PY" "$TOP/tests/peers/liar.py" --port-file \
	    "$W/$b.port" --fault-log "$W/$b.faults" --dup 5 --late 7 \
	    --hold 11 --wrong-unit 13 --garbage 17 --delay 0.45
done
wait_for 10 test -s "$W/fast.port" -a -s "$W/slow.port" || die "liar.py"
{
	printf '[daemon]\nstate_dir = state\ninterval = 1\nstore_batch = 0\n'
	for b in fast slow; do
		printf '[bus %s]\nhost = 127.0.0.1\nport = %s\n' \
		    "$b" "$(cat "$W/$b.port")"
		printf 'timeout = 300ms\nretries = 2\n'
		[ "$b" = slow ] && printf 'gap = 20ms\n'
		for u in 1 7; do
			printf '[sensor %s-u%s]\nbus = %s\nunit = %s\n' \
			    "$b" "$u" "$b" "$u"
			printf 'register = 0\nword_order = abcd\n'
		done
	done
	printf '[webhook test]\nurl = %s\n' "$HOOK_URL"
} >"$W/lw.conf"
start_daemon "$W/lw.conf"
samples() { cat "$W"/state/samples/"$1"/*.csv 2>/dev/null; }
nrows() { samples "$1" | grep -c ',N,'; }
enough() {
	local s
	for s in fast-u1 fast-u7 slow-u1 slow-u7; do
		[ "$(nrows "$s")" -ge 25 ] || return 1
	done
	for s in fast slow; do
		[ "$(grep -c . "$W/$s.faults" 2>/dev/null)" -ge 12 ] || return 1
	done
}
wait_for 90 enough || echo "(not every sensor got 25 readings in time)"
"$BIN/lakewatch" status -c "$W/lw.conf"
"$BIN/lakewatch" status -j -c "$W/lw.conf" >"$W/status.json"
stop_daemon
cat "$W/daemon.log"
for b in fast slow; do
	echo "faults injected on $b:" \
	    "$(cut -d' ' -f1 "$W/$b.faults" | sort | uniq -c | tr '\n' ' ')"
	for f in dup late hold wrong-unit garbage; do
		check "$b: the device did lie ($f)" grep -q "^$f " "$W/$b.faults"
	done
	for u in 1 7; do
		want=$([ "$u" = 1 ] && echo 0.03 || echo 0.09)
		n=$(nrows "$b-u$u")
		wrong=$(samples "$b-u$u" | awk -F, -v w="$want" \
		    '$3 == "N" && $2 != w' | wc -l)
		check "$b unit $u: $n readings, all N ones $want ($wrong not)" \
		    test "$n" -ge 25 -a "$wrong" -eq 0
	done
done
stray_of() {
	"$PY" -c 'import json,sys
for b in json.load(open(sys.argv[1]))["buses"]:
    if b["name"] == sys.argv[2]: print(b["stray_replies"])' \
	    "$W/status.json" "$1"
}
for b in fast slow; do
	n=$(stray_of "$b")
	check "$b: dropped replies counted in status ($n)" test "${n:-0}" -ge 3
	check "$b: logged once" \
	    test "$(grep -c "bus '$b': dropped" "$W/daemon.log")" -eq 1
done
check "no alert for unit 1 (its readings never crossed 0.05)" \
    test "$(events firing fast-u1:threshold)" -eq 0 -a \
    "$(events firing slow-u1:threshold)" -eq 0
check "unit 7 fired once per bus (0.09 > 0.05)" \
    test "$(distinct_ids firing fast-u7:threshold)" -eq 1 -a \
    "$(distinct_ids firing slow-u7:threshold)" -eq 1
finish
