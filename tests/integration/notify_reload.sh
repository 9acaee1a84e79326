# A reload never kills the daemon: one webhook's outbox cannot be read
# when SIGHUP restarts delivery (a file stands where its folder was).
# That webhook is reported (one log line naming it, and status.json's
# outbox.unreadable); the daemon runs on and the other webhook delivers
# what waited in its outbox. Once the folder is back, a reload clears it.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

unreadable() {
	"$BIN/lakewatch" status -j -c "$W/lw.conf" | "$PY" -c '
import json, sys
print(json.load(sys.stdin)["outbox"]["unreadable"])'
}
reloaded() { test "$(grep -c 'reloaded' "$W/daemon.log")" -ge "$1"; }
gone_or_reloaded() { ! kill -0 "$DAEMON_PID" || reloaded "$1"; }

start_sim --tp-steps "0.030:2,0.061"
recv_start good --mode 503
recv_start bad
station "$W/lw.conf"
cat >>"$W/lw.conf" <<CONF
[webhook good]
url = $(recv_url good)
[webhook bad]
url = $(recv_url bad)
CONF
start_daemon "$W/lw.conf"
wait_for 20 recv_has bad 200 1 || die "webhook bad got nothing"
wait_for 10 eval '[ "$(outbox_n good)" -ge 1 ]' || die "nothing waits for good"

rm -rf "$W/state/outbox/bad"
echo 'not a folder' >"$W/state/outbox/bad"
kill -HUP "$DAEMON_PID"
wait_for 10 gone_or_reloaded 1
check "the daemon runs on after the reload" kill -0 "$DAEMON_PID"
kill -0 "$DAEMON_PID" 2>/dev/null || die "the daemon died at the reload"
grep "webhook 'bad'" "$W/daemon.log" | sed 's/^/    | /'
check "the unreadable outbox is logged, naming the webhook" \
    grep -q "webhook 'bad': outbox .*Not a directory" "$W/daemon.log"
wait_for 5 eval '[ "$(unreadable)" = 1 ]'
check "status.json: outbox.unreadable is 1" test "$(unreadable)" = 1

recv_mode good ok
wait_for 20 recv_has good 200 1
check "the other webhook delivers after the reload" recv_has good 200 1
wait_for 10 eval '[ "$(outbox_n good)" -eq 0 ]'
check "... and its outbox empties" test "$(outbox_n good)" -eq 0

rm -f "$W/state/outbox/bad"
mkdir "$W/state/outbox/bad"
kill -HUP "$DAEMON_PID"
wait_for 10 gone_or_reloaded 2
wait_for 5 test "$(unreadable)" = 0
check "folder back: a reload clears outbox.unreadable" \
    test "$(unreadable)" = 0
stop_daemon
check "exit 0" test "$DAEMON_RC" -eq 0
finish
