# issue 15: a quiet station (one bus, two sensors, 10 s interval) does
# not rewrite status.json every second: it is rewritten when something
# happened (a poll's samples) or at the 30 s heartbeat; `lakewatch
# status` still calls it fresh between polls, and what it shows is the
# last poll's.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030"
cat >"$W/lw.conf" <<CONF
[daemon]
state_dir = state
interval = 10
[bus a]
host = 127.0.0.1
port = $SIM_PORT
timeout = 300ms
[sensor tp]
bus = a
register = 0
word_order = cdab
[sensor temp]
bus = a
register = 3
parameter = temp
CONF
start_daemon "$W/lw.conf"
ST=$W/state/status.json
check "the first poll is in status.json" wait_for 20 "$PY" -c '
import json, sys
sys.exit(json.load(open(sys.argv[1]))["core"]["samples"] < 2)' "$ST"

# status.json is replaced by rename (write_swap: one of two inodes in
# turn): a change of inode is a new write. Watch
# 12 s, more than one interval: one poll, so one or two writes (its
# samples may straddle a second), not twelve.
"$PY" - "$ST" >"$W/writes.txt" <<'PYEOF'
import os, sys, time
seen, n, end = None, 0, time.time() + 12
while time.time() < end:
    try:
        ino = os.stat(sys.argv[1]).st_ino
    except OSError:
        ino = None
    if ino is not None and ino != seen:
        n += seen is not None
        seen = ino
    time.sleep(0.02)
print(n)
PYEOF
echo "status.json writes in 12 s: $(cat "$W/writes.txt")"
check "status.json rewritten at most 3 times in 12 s" \
    test "$(cat "$W/writes.txt")" -le 3
check "... and at least once (the poll in between)" \
    test "$(cat "$W/writes.txt")" -ge 1
check "lakewatch status: fresh between polls" \
    "$BIN/lakewatch" status -c "$W/lw.conf"
check "status.json has every sample the sample log has" "$PY" -c '
import glob, json, sys
rows = sum(1 for f in glob.glob(sys.argv[2] + "/*/*.csv")
           for l in open(f) if l[:1].isdigit())
s = json.load(open(sys.argv[1]))["core"]["samples"]
sys.exit(not (s >= rows - 0 and rows > 0))' "$ST" "$W/state/samples"
stop_daemon
check "daemon exit 0" test "$DAEMON_RC" -eq 0
finish
