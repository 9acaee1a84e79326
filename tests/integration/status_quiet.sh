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
check "the first poll is in status.json" wait_for 20 status_samples_ge 2

# Watch 12 s, more than one interval: one poll, so one or two writes
# (its samples may straddle a second), not twelve.
writes=$(status_writes 12)
echo "status.json writes in 12 s: $writes"
check "status.json rewritten at most 3 times in 12 s" test "$writes" -le 3
check "... and at least once (the poll in between)" test "$writes" -ge 1
check "lakewatch status: fresh between polls" \
    "$BIN/lakewatch" status -c "$W/lw.conf"
check "status.json has every sample the sample log has" status_has_rows 0
stop_daemon
check "daemon exit 0" test "$DAEMON_RC" -eq 0
finish
