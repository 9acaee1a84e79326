# Exception 02 is not a verdict at once: a device that is booting
# refuses every read for a while (unit 2, the first 6 s), a register the
# device does not have is refused for good while the unit answers the
# others (sensor bogus on unit 1). The first keeps being asked and reads
# normally once the device is up; the second is no longer asked after
# 3 refusals in a row and asked again every 10 polls. Each is logged
# when it starts and when it ends, not per poll. A refusal is a config
# error, not an instrument fault: it is shown by status, and no fault
# alert goes out for it (stale still does: no valid reading comes);
# exception 04 (unit 2 at 8-10 s) is a fault, and
# its event is the proof that the webhook hears faults.
. "$(dirname "$0")/../lib.sh"

start_sim -v --tp-steps "0.030" --fault "2:exception=2@0-6" \
    --fault "2:exception=4@8-10"
start_receiver
cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 1
store_batch = 0
[bus a]
host = 127.0.0.1
port = $SIM_PORT
timeout = 300ms
[sensor centre-tp]
bus = a
register = 0
word_order = cdab
status_register = 2
[sensor bogus]
bus = a
parameter = cond
type = uint16
register = 9
[sensor intake-tp]
bus = a
unit = 2
register = 0
[webhook test]
url = $HOOK_URL
CONF
start_daemon "$W/lw.conf"
samples() { cat "$W"/state/samples/"$1"/*.csv 2>/dev/null; }
# the first re-probe of bogus comes 10 polls after it was put aside
# (poll 3): wait until lwsim has seen at least 4 reads of register 9
reads9() { grep -c 'unit 1 fc 3 addr 9 ' "$W/sim.log"; }
asked9() { [ "$(reads9)" -ge 4 ]; }
intake_up() { [ "$(samples intake-tp | grep -c ',N,')" -ge 5 ]; }
wait_for 40 asked9 || echo "(register 9 not asked again)"
wait_for 20 intake_up
wait_for 20 events_ge resolved 1 intake-tp:fault || echo "(no fault resolved)"
st=$W/state/status.json
conferr() {
	"$PY" - "$st" <<'PYEOF'
import json, sys
for s in json.load(open(sys.argv[1]))["sensors"]:
    print("%s\t%s" % (s["name"], s["config_error"]))
PYEOF
}
has_conferr() {
	conferr >"$W/conferr.txt" && grep -q 'bogus.*refused' "$W/conferr.txt"
}
wait_for 10 has_conferr
"$BIN/lakewatch" status -c "$W/lw.conf" >"$W/status.txt"
stop_daemon
cat "$W/daemon.log"
log=$W/daemon.log
polls=$(samples centre-tp | grep -c ',N,')
n9=$(reads9)
echo "centre-tp polls: $polls, reads of register 9: $n9"
check "intake-tp reads N after the device came up (not a config error)" \
    test "$(samples intake-tp | grep -c ',N,')" -ge 5
check "intake-tp flagged D while it refused" \
    grep -q ',D,' <(samples intake-tp)
check "intake-tp: refusal logged once, as 'not ready?'" \
    test "$(grep -c "sensor 'intake-tp'.*refused.*not ready" "$log")" -eq 1
check "intake-tp: never put aside" \
    test "$(grep -c "sensor 'intake-tp'.*polls in a row" "$log")" -eq 0
check "intake-tp: 'answers again' logged once" \
    test "$(grep -c "sensor 'intake-tp'.*answers its registers again" "$log")" -eq 1
check "bogus: refusal logged once, put aside once" \
    test "$(grep -c "sensor 'bogus'.*refused registers 9-9 (" "$log")" \
    -eq 1 -a "$(grep -c "sensor 'bogus'.*3 polls in a row" "$log")" -eq 1
check "bogus asked again every 10 polls ($n9 reads in $polls polls)" \
    test "$n9" -ge 4 -a "$n9" -le $((3 + polls / 10 + 1))
check "bogus flagged D, never N" \
    test "$(samples bogus | grep -c ',D,')" -ge 5 -a \
    "$(samples bogus | grep -c ',N,')" -eq 0
cat "$W/conferr.txt" "$W/status.txt"
check "status.json: bogus has a config error naming unit, registers, why" \
    grep -qx $'bogus\tunit 1 refused registers 9-9 (Illegal data address)' \
    "$W/conferr.txt"
check "status.json: centre-tp and intake-tp have none" \
    test "$(grep -c $'\tNone$' "$W/conferr.txt")" -eq 2
check "lakewatch status prints the config error" \
    grep -q "CONFIG ERROR: sensor 'bogus': unit 1 refused registers 9-9" \
    "$W/status.txt"
check "exception 04 is a fault: one fault alert for intake-tp" \
    test "$(events firing intake-tp:fault)" -eq 1
check "a refused register is no fault: no fault alert for bogus" \
    test "$(events firing bogus:fault)" -eq 0
# it has no valid reading all the same: stale says so (status says why)
check "bogus: stale told, as for any sensor without valid readings" \
    test "$(events firing bogus:stale)" -eq 1
check "no event carries a value for a fault (null, not 0.0)" \
    "$PY" - "$HOOK_LOG" <<'PYEOF'
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    b = json.loads(l)["body"]
    if b["kind"] == "fault":
        assert b["value"] is None, b
PYEOF
finish
