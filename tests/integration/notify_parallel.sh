# Several requests in flight per webhook (max_inflight). Ten sensors
# cross at once and one (centre-tp) toggles every 2 s; three receivers:
#  par: answers after 2.5 s, default max_inflight (64). The ten crossings
#       must overlap at the receiver and all arrive within ~1 s, where
#       one at a time would take 25 s. centre-tp's transitions come
#       faster than they are answered, so each must wait for the 2xx of
#       the one before: they arrive in sequence and never overlap.
#  one: answers after 0.3 s, max_inflight = 1: never two at once.
#  flaky: every 5th request gets a 500: the webhook backs off, then the
#       event that failed goes first; nothing is lost or accepted twice.
# Each event_id is accepted by each receiver exactly once. Then a
# restart with a backlog left in par's outbox (4 events of centre-tp, 5
# of other sensors, one of a sensor no longer configured): the same
# rules hold for entries whose sensor must be read from the file.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

# centre-tp (unit 1): 6 transitions, 2 s apart, from 2 s on
start_sim --tp-steps "0.030:2,0.080:2,0.030:2,0.080:2,0.030:2,0.080:2,0.030"
recv_start par --mode slow=2500 --quiet
recv_start one --mode slow=300 --quiet
recv_start flaky --mode flaky=5 --quiet
station "$W/lw.conf"
# s01..s10 (unit 2, 0.027-0.033 mg/L) exceed Class II (0.025) at once
for i in $(seq -w 1 10); do
	printf '[sensor s%s-tp]\nbus = station\nunit = 2\nregister = 0\n' "$i"
	printf 'word_order = abcd\ntarget_class = II\n'
done >>"$W/lw.conf"
cat >>"$W/lw.conf" <<CONF
[webhook par]
url = $(recv_url par)
timeout = 10s
[webhook one]
url = $(recv_url one)
max_inflight = 1
[webhook flaky]
url = $(recv_url flaky)
CONF

# the key: default, range
"$BIN/lakewatchd" -T -c "$W/lw.conf" >"$W/normal.conf" 2>&1
check "max_inflight defaults to 64" \
    grep -qx 'max_inflight = 64' "$W/normal.conf"
check "max_inflight = 1 kept" grep -qx 'max_inflight = 1' "$W/normal.conf"
for v in 0 65 x; do
	sed "s/^max_inflight = 1$/max_inflight = $v/" "$W/lw.conf" >"$W/bad.conf"
	check "max_inflight = $v refused" \
	    sh -c "! '$BIN/lakewatchd' -t -c '$W/bad.conf' 2>'$W/bad.err'"
	check "max_inflight = $v: the message names the key" \
	    grep -q "max_inflight" "$W/bad.err"
done

start_daemon "$W/lw.conf"
all_in() {
	recv_has par 200 16 && recv_has one 200 16 && recv_has flaky 200 16
}
wait_for 45 all_in || echo "not all 16 events at every receiver after 45 s"
sleep 1		# quiet period: a duplicate would come now
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
check "par outbox empty" test "$(outbox_n par)" -eq 0
check "one outbox empty" test "$(outbox_n one)" -eq 0
check "flaky outbox empty" test "$(outbox_n flaky)" -eq 0

show() {
	"$PY" - "$W/$1.jsonl" <<'PYEOF'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
t0 = min(x["t"] for x in e) if e else 0
for x in sorted(e, key=lambda x: x["t"]):
    print("%7.3f %7.3f %s %s" % (x["t"] - t0, x["t_done"] - t0, x["status"],
                                x["body"]["event_id"]))
PYEOF
}
echo "== par (arrival, answer, status, event)"; show par
echo "== one"; show one
echo "== flaky"; show flaky

# shared by the checks: a receiver's log in arrival order, what it
# accepted, the 16 events it must accept, overlap and order helpers
cat >"$W/lib.py" <<'PYEOF'
import json, sys
e = sorted((json.loads(l) for l in open(sys.argv[1])), key=lambda x: x["t"])
want = {"s%02d-tp:threshold:1" % i for i in range(1, 11)} | \
    {"centre-tp:threshold:%d" % i for i in range(1, 7)}
ok = [x for x in e if x["status"] == 200]
fast = [x for x in ok if x["body"]["sensor"] == "centre-tp"]
crossing = [x for x in ok if x["body"]["sensor"] != "centre-tp"]

def overlap(xs):
    """the most requests that were at the receiver at one moment"""
    pts = sorted([(x["t"], 1) for x in xs] + [(x["t_done"], -1) for x in xs],
                 key=lambda p: (p[0], p[1]))
    cur = top = 0
    for _, d in pts:
        cur += d
        top = max(top, cur)
    return top

def in_sequence(xs):
    seqs = [int(x["body"]["event_id"].rsplit(":", 1)[1]) for x in xs]
    assert seqs == list(range(1, len(xs) + 1)), seqs
    for a, b in zip(xs, xs[1:]):
        assert b["t"] >= a["t_done"], ("overlap", a["body"]["event_id"],
                                       b["body"]["event_id"])
PYEOF
export LIB=$W/lib.py
for r in par one flaky; do
	check "$r: each of the 16 event_ids accepted once" \
	    "$PY" - "$W/$r.jsonl" <<'PYEOF'
import os; exec(open(os.environ["LIB"]).read())
got = sorted(x["body"]["event_id"] for x in ok)
assert got == sorted(want), (got, sorted(want))
assert all(x["status"] in (200, 500) for x in e), [x["status"] for x in e]
PYEOF
	check "$r: centre-tp's transitions in sequence, never overlapping" \
	    "$PY" - "$W/$r.jsonl" <<'PYEOF'
import os; exec(open(os.environ["LIB"]).read())
in_sequence(fast)
PYEOF
done

check "par: the ten crossings overlapped and all arrived within 2 s" \
    "$PY" - "$W/par.jsonl" <<'PYEOF'
import os; exec(open(os.environ["LIB"]).read())
span = max(x["t"] for x in crossing) - min(x["t"] for x in crossing)
last = max(x["t_done"] for x in crossing) - min(x["t"] for x in crossing)
print("crossings: arrivals span %.2f s, all answered after %.2f s, "
      "%d at once at most" % (span, last, overlap(crossing)))
assert len(crossing) == 10, len(crossing)
assert span < 2.0, span		# one at a time: >= 9 x 2.5 s
assert last < 5.0, last
assert overlap(crossing) >= 8, overlap(crossing)
PYEOF
check "par: centre-tp's next transition waited for the 2xx of the last" \
    "$PY" - "$W/par.jsonl" <<'PYEOF'
import os; exec(open(os.environ["LIB"]).read())
# made 2 s apart, answered after 2.5 s: each one after the first was made
# while the one before was still in flight, and went as soon as that
# one's answer came
gaps = [b["t"] - a["t_done"] for a, b in zip(fast, fast[1:])]
print("waits after the previous answer: " +
      " ".join("%.3f" % g for g in gaps))
assert len(gaps) == 5, gaps
assert sum(1 for g in gaps if 0 <= g < 0.5) >= 4, gaps
PYEOF
check "one (max_inflight = 1): never two requests at once" \
    "$PY" - "$W/one.jsonl" <<'PYEOF'
import os; exec(open(os.environ["LIB"]).read())
print("at once at most: %d" % overlap(e))
assert overlap(e) == 1, overlap(e)
for a, b in zip(e, e[1:]):
    assert b["t"] >= a["t_done"], (a["body"]["event_id"], b["body"]["event_id"])
PYEOF
check "par, one: no request refused or repeated" \
    test "$(recv_count par)" -eq 16 -a "$(recv_count one)" -eq 16
check "flaky: after each failure, a backoff, then a failed event first" \
    "$PY" - "$W/flaky.jsonl" <<'PYEOF'
import os; exec(open(os.environ["LIB"]).read())
fails = [x for x in e if x["status"] == 500]
print("%d requests, %d answered 500" % (len(e), len(fails)))
assert fails, "no 500 at all"
for f in fails:
    # what was in flight when it failed arrives at once; the backoff is
    # at least 0.5 s; the first request after it must be one that failed
    after = [x for x in e if x["t"] > f["t_done"] + 0.4]
    if not after:
        continue
    first = after[0]
    # (a request in flight beside it may have failed too, a moment later)
    failed = {x["body"]["event_id"] for x in fails
              if x["t_done"] < first["t"]}
    done = {x["body"]["event_id"] for x in ok if x["t_done"] < first["t"]}
    assert first["body"]["event_id"] in failed - done, (
        first["body"]["event_id"], sorted(failed - done))
    quiet = [x for x in e if f["t_done"] + 0.1 < x["t"] < f["t_done"] + 0.45]
    assert not quiet, ("sent during the backoff", quiet[0]["body"]["event_id"])
PYEOF
check "flaky: the failure logged" \
    grep -q "webhook 'flaky': HTTP 500; retrying in" "$W/daemon.log"
check "flaky: delivering again" \
    grep -q "webhook 'flaky': delivering again" "$W/daemon.log"

# restart with a backlog in par's outbox, as an earlier run leaves it
recv_mode par slow=500
"$PY" - "$W/par.jsonl" "$W/state/outbox/par" <<'PYEOF'
import json, os, sys, time
tmpl = json.loads(open(sys.argv[1]).readline())["body"]
ms = int(time.time() * 1000) - 60000
backlog = [("centre-tp", 101), ("s01-tp", 101), ("centre-tp", 102),
           ("s02-tp", 101), ("gone-tp", 101), ("centre-tp", 103),
           ("s03-tp", 101), ("s04-tp", 101), ("centre-tp", 104),
           ("s05-tp", 101)]
for k, (sensor, seq) in enumerate(backlog):
    b = dict(tmpl, sensor=sensor, event_id="%s:threshold:%d" % (sensor, seq))
    name = "%014d-%06d-%s.json" % (ms + k, k, b["event_id"].replace(":", "_"))
    with open(os.path.join(sys.argv[2], name), "w") as f:
        json.dump(b, f)
PYEOF
: >"$W/par.jsonl"
start_daemon "$W/lw.conf"
ten() { recv_has par 200 10; }
wait_for 20 ten || echo "not all 10 of the backlog after 20 s"
sleep 1		# quiet period: a duplicate would come now
stop_daemon
check "restart: daemon exits 0" test "$DAEMON_RC" -eq 0
check "restart: par outbox empty" test "$(outbox_n par)" -eq 0
echo "== par after the restart"; show par
check "restart: the backlog once each, centre-tp in sequence, alone" \
    "$PY" - "$W/par.jsonl" <<'PYEOF'
import os; exec(open(os.environ["LIB"]).read())
ids = sorted(x["body"]["event_id"] for x in e)
assert len(e) == 10 and len(set(ids)) == 10, ids
seqs = [int(x["body"]["event_id"].rsplit(":", 1)[1]) for x in fast]
assert seqs == [101, 102, 103, 104], seqs
for a, b in zip(fast, fast[1:]):
    assert b["t"] >= a["t_done"], ("overlap", a["body"]["event_id"])
others = [x for x in e if x["body"]["sensor"] != "centre-tp"]
span = max(x["t"] for x in others) - min(x["t"] for x in others)
print("other sensors' backlog: arrivals span %.2f s, %d at once" %
      (span, overlap(e)))
assert span < 0.4, span		# one at a time: >= 5 x 0.5 s
assert overlap(e) >= 6, overlap(e)
PYEOF
finish
