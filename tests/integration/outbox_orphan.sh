# A reload removes a webhook while its receiver refuses (503): what
# waited in its outbox is not left on disk unreported. The daemon logs
# it once per start or reload, `lakewatch status` shows it, and
# `lakewatch deadletter` lists it, moves it to a webhook that is still
# configured (retry --to NAME), which delivers it after the next reload,
# or drops it.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

OB=$W/state/outbox/old-hook
n_in() { ls "$1" 2>/dev/null | grep -c '\.json$'; }
reloaded() { test "$(grep -c 'reloaded' "$W/daemon.log")" -ge "$1"; }
logged() { grep -c "outbox 'old-hook': .* no longer in the config" "$W/daemon.log"; }

start_sim --tp-steps "0.030:2,0.061:3,0.030"
recv_start old --mode 503
recv_start keep --mode 503
station "$W/lw.conf"
cp "$W/lw.conf" "$W/base.conf"
cat >>"$W/lw.conf" <<CONF
[webhook keep]
url = $(recv_url keep)
[webhook old-hook]
url = $(recv_url old)
CONF
start_daemon "$W/lw.conf"
wait_for 30 eval '[ "$(n_in "$OB")" -ge 2 ]' || die "nothing waits for old-hook"
check "before: no orphan line in the log" test "$(logged)" -eq 0

# the reload takes old-hook out; its receiver still refuses
cp "$W/base.conf" "$W/lw.conf"
printf '[webhook keep]\nurl = %s\n' "$(recv_url keep)" >>"$W/lw.conf"
kill -HUP "$DAEMON_PID"
wait_for 10 reloaded 1 || die "no reload"
N=$(n_in "$OB")
grep "old-hook" "$W/daemon.log" | sed 's/^/    | /'
check "the reload logs the orphaned outbox once, with its count" \
    grep -q "outbox 'old-hook': $N events for a webhook no longer in the config" \
    "$W/daemon.log"
check "... one line" test "$(logged)" -eq 1

"$BIN/lakewatch" status -c "$W/lw.conf" >"$W/status.out" 2>&1
grep old-hook "$W/status.out"
check "status shows it" grep -q \
    "outbox 'old-hook': $N events for a webhook no longer in the config" \
    "$W/status.out"

"$BIN/lakewatch" deadletter -c "$W/lw.conf" list >"$W/dl.out" 2>&1
check "deadletter list: exit 0" test $? -eq 0
cat "$W/dl.out"
check "... lists the orphaned events" test \
    "$(grep -c '^old-hook/' "$W/dl.out")" -eq "$N"
check "... and counts them apart from the refused ones" grep -q \
    "^$N events in .*/outbox for webhooks no longer in the config" "$W/dl.out"
first=$(ls "$OB" | grep '\.json$' | head -n 1)
"$BIN/lakewatch" deadletter -c "$W/lw.conf" show "old-hook/${first%.json}" \
    >"$W/show.out" 2>&1
check "show: the event" grep -q '"event_id"' "$W/show.out"
"$BIN/lakewatch" deadletter -c "$W/lw.conf" retry all >"$W/r0.out" 2>&1
RC=$?
check "retry without --to: exit 1, says to use --to" eval \
    '[ $RC -eq 1 ] && grep -q "retry --to WEBHOOK" "$W/r0.out"'
"$BIN/lakewatch" deadletter -c "$W/lw.conf" retry all --to nosuch \
    >"$W/r1.out" 2>&1
check "retry --to an unknown webhook: exit 1" test $? -eq 1
check "... nothing moved" test "$(n_in "$OB")" -eq "$N"

"$BIN/lakewatch" deadletter -c "$W/lw.conf" drop "old-hook/${first%.json}" \
    >"$W/drop.out" 2>&1
check "drop one: exit 0" test $? -eq 0
K=$(n_in "$W/state/outbox/keep")
"$BIN/lakewatch" deadletter -c "$W/lw.conf" retry all --to keep >"$W/r2.out" 2>&1
check "retry all --to keep: exit 0" test $? -eq 0
cat "$W/r2.out"
check "... the rest are in keep's outbox" test \
    "$(n_in "$W/state/outbox/keep")" -eq $((K + N - 1))
check "... none left in old-hook's" test "$(n_in "$OB")" -eq 0
"$BIN/lakewatch" status -c "$W/lw.conf" >"$W/status2.out" 2>&1
check "status: no orphan line any more" eval '! grep -q old-hook "$W/status2.out"'

# keep accepts now; a reload takes what was moved in
recv_mode keep ok
kill -HUP "$DAEMON_PID"
wait_for 10 reloaded 2
wait_for 30 eval '[ "$(n_in "$W/state/outbox/keep")" -eq 0 ]'
check "keep's outbox empties" test "$(n_in "$W/state/outbox/keep")" -eq 0
check "the moved events reached keep" test "$(recv_count keep 200)" -ge \
    $((K + N - 1))
check "no second orphan line at the second reload" test "$(logged)" -eq 1
stop_daemon
check "exit 0" test "$DAEMON_RC" -eq 0
finish
