# An Alertmanager cluster: two real Alertmanagers peered on loopback
# (--cluster.listen-address, --cluster.peer) and one webhook whose url
# lists both. (a) the daemon sends to each member (Alertmanagers gossip
# silences and the notification log, not alerts): a threshold alert is
# active in both; (b) am1 killed: the alert is resolved in the surviving
# am2, still one alert there (not duplicated), the failing member is
# logged once, and the outbox empties (a dead member does not hold the
# events back).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

am_pair
check "the two Alertmanagers are peered" peers "$AM2"

start_sim --tp-steps "0.030:2,0.080:16,0.030"
station "$W/lw.conf"
am_webhook "$W/lw.conf"
start_daemon "$W/lw.conf"

both() { test "$(n_active "$AM1")" -eq 1 -a "$(n_active "$AM2")" -eq 1; }
wait_for 15 both || echo "alert not active in both after 15 s"
check "(a) active in both members" both
grep -c 'POST\|alerts' "$W/am2.log" >/dev/null

kill -KILL "$AM1_PID"
wait "$AM1_PID" 2>/dev/null
check "(b) still one active alert in am2 after am1 died" \
    test "$(n_active "$AM2")" -eq 1
gone() { test "$(n_active "$AM2")" -eq 0; }
wait_for 30 gone || echo "alert still active in am2 30 s later"
check "(b) resolved in the surviving am2" gone
check "(b) the dead member logged once" test \
    "$(grep -c "member $AM1/api/v2/alerts" "$W/daemon.log")" -eq 1
check "(b) active set empty" \
    grep -q '"alerts":{}' "$W/state/alertmanager/am.json"
check "(b) outbox empty" test "$(outbox_n am)" -eq 0
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
grep -E "webhook" "$W/daemon.log"
finish
