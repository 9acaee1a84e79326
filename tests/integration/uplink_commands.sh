# HJ 212 platform commands: tests/peers/platform.py sends requests on
# the uplink's connection (--commands) and the daemon answers: history
# re-send (2061 of the uplink's period, 2031 daily, 2051 minute) as 9011
# QnRtn=1, the data from the sample log, 9012 ExeRtn; 1011 the station
# time; 1012 refused (QnRtn=2, the clock untouched); a wrong PW or MN
# refused (QnRtn=3/4, logged once); an unknown CN refused (QnRtn=8).
. "$(dirname "$0")/../lib.sh"

MN=010000A8900016F000169DC0
PLOG=$W/platform.jsonl
CMDS=$W/commands.jsonl

uplink() {
	"$PY" -c 'import json, sys
print(json.load(open(sys.argv[1]))["uplinks"][0][sys.argv[2]])' \
	    "$W/state/status.json" "$1" 2>/dev/null
}
acked_ge() { [ "$(uplink acked)" -ge "$1" ]; }
# bj T: T (UTC seconds) as YYYYMMDDhhmmss in Beijing time
bj() { TZ=Asia/Shanghai date -d "@$1" +%Y%m%d%H%M%S; }
# answered QN CN: the platform got a packet CN with QN
answered() {
	"$PY" -c 'import json, sys
sys.exit(not any(r.get("qn") == sys.argv[2] and r.get("cn") == sys.argv[3]
    and not r.get("sent") for r in map(json.loads, open(sys.argv[1]))))' \
	    "$PLOG" "$1" "$2"
}
# a previous minute with samples all through it (it began 10 s or more
# after the start: a loaded machine takes seconds to the first poll),
# and 5 s into this one
minute_ready() {
	local now
	now=$(date +%s)
	[ $((now / 60 * 60 - 60)) -ge $((T0 + 10)) ] && [ $((now % 60)) -ge 5 ]
}

start_sim --tp-steps "0.030"
start_platform --commands "$CMDS"
uplink_conf "$W/lw.conf" 2s
T0=$(date +%s)
start_daemon "$W/lw.conf"
check "three periods acknowledged" wait_for 60 acked_ge 3
check "a whole minute with samples has passed" wait_for 150 minute_ready

NOW=$(date +%s)
FIRST=$((NOW - NOW % 10 - 40))		# three ended periods of 10 s
MIN=$((NOW - NOW % 60 - 60))		# the minute before this one
DAY=$(( (NOW + 28800) - (NOW + 28800) % 86400 - 28800 - 86400 ))
cat >>"$CMDS" <<JSON
{"qn": "20990101000000001", "cn": 2061, "cp": "BeginTime=$(bj $FIRST),EndTime=$(bj $((FIRST + 20)))"}
{"qn": "20990101000000002", "cn": 1012, "cp": "SystemTime=20200101000000"}
{"qn": "20990101000000003", "cn": 1011, "cp": "PolId=w21011"}
{"qn": "20990101000000004", "cn": 1011, "cp": "", "pw": "000000"}
{"qn": "20990101000000005", "cn": 1011, "cp": "", "pw": "999999"}
{"qn": "20990101000000006", "cn": 1011, "cp": "", "mn": "010000A8900016F000169DC9"}
{"qn": "20990101000000007", "cn": 3020, "cp": "PolId=w21011"}
{"qn": "20990101000000008", "cn": 2061, "cp": "BeginTime=$(bj $FIRST)"}
{"qn": "20990101000000009", "cn": 2031, "cp": "BeginTime=$(bj $DAY),EndTime=$(bj $DAY)"}
{"qn": "20990101000000010", "cn": 2051, "cp": "BeginTime=$(bj $MIN),EndTime=$(bj $MIN)"}
JSON
check "every request answered" wait_for 60 answered 20990101000000010 9012
stop_daemon
check "the daemon stops cleanly" test "$DAEMON_RC" -eq 0
check "wrong PW logged once a connection" \
    test "$(grep -c 'wrong PW' "$W/daemon.log")" -eq 1
check "wrong MN logged" test "$(grep -c 'wrong MN' "$W/daemon.log")" -eq 1
check "set time logged as refused" grep -q 'CN=1012.*refused' "$W/daemon.log"

check "answers: order, codes, data matching the sample log" \
    env PYTHONPATH="$TOP/tests/peers" PYTHONDONTWRITEBYTECODE=1 \
    "$PY" - "$PLOG" "$W/state/samples" "$FIRST" "$MIN" <<'PYEOF'
import sys
from platlog import records, t_of, sample_log, check_stats
recs = records(sys.argv[1])
LOG = sample_log(sys.argv[2])
first, minute = int(sys.argv[3]), int(sys.argv[4])

def answers(n):
    return [r for r in recs if r.get("qn") == "20990101000000%03d" % n
            and not r.get("sent")]

def shape(rs):
    return [(r["cn"], r["cp"].get("QnRtn") or r["cp"].get("ExeRtn"))
            for r in rs]

# history: 9011 1, three 2061 of the range, in order, then 9012 1
h = answers(1)
assert shape(h)[0] == ("9011", "1") and shape(h)[-1] == ("9012", "1"), h
data = [r for r in h if r["cn"] == "2061"]
assert [t_of(r["cp"]["DataTime"]) for r in data] == \
    [first, first + 10, first + 20], data
assert len(h) == 5, shape(h)
for r in data:
    assert r["st"] == "21" and r["flag"] == "5" and r["mn"], r
    check_stats(LOG, r["cp"], t_of(r["cp"]["DataTime"]), 10)
assert any(r["cp"].get("w21011-Flag") == "N" for r in data), data
# 1012: refused at once, nothing executed
assert shape(answers(2)) == [("9011", "2")], answers(2)
# 1011: the station's time (Beijing) within 3 s of the platform's
t = answers(3)
assert shape(t) == [("9011", "1"), ("1011", None), ("9012", "1")], t
assert t[1]["cp"]["PolId"] == "w21011", t[1]
assert abs(t_of(t[1]["cp"]["SystemTime"]) - t[1]["t"]) <= 3, t[1]
# wrong PW twice, wrong MN, unknown CN
assert shape(answers(4)) == [("9011", "3")], answers(4)
assert shape(answers(5)) == [("9011", "3")], answers(5)
assert shape(answers(6)) == [("9011", "4")], answers(6)
assert shape(answers(7)) == [("9011", "8")], answers(7)
# a range without EndTime: the request's conditions are wrong
assert shape(answers(8)) == [("9011", "1"), ("9012", "3")], answers(8)
# yesterday: no sample at all
assert shape(answers(9)) == [("9011", "1"), ("9012", "100")], answers(9)
# the minute before: one 2051 packet from the sample log
m = answers(10)
assert shape(m) == [("9011", "1"), ("2051", None), ("9012", "1")], m
assert t_of(m[1]["cp"]["DataTime"]) == minute, m[1]
check_stats(LOG, m[1]["cp"], minute, 60)
# every answer carries the station's MN and PW
for r in recs:
    if not r.get("sent") and r.get("cn") in ("9011", "9012", "1011"):
        assert r["mn"] == "010000A8900016F000169DC0" and r["pw"] == "123456"
        assert r["st"] == ("21" if r["cn"] == "1011" else "91"), r
        assert r["flag"] == "4", r
print("history", len(data), "packets; all answers checked")
PYEOF
finish
