# Alert rules end to end: no re-fire after kill -9 and restart; comm lost
# and back; a fault in the status word; operator maintenance flags M.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.061" --status-steps "1:14,4:4,1"
start_receiver
station_conf "$W/lw.conf" "host = 127.0.0.1" "port = $SIM_PORT" \
    "timeout = 300ms" "backoff_max = 1s"
start_daemon "$W/lw.conf"
wait_for 15 events_ge firing 1 centre-tp:threshold
check "threshold fired" test "$(events firing centre-tp:threshold)" -eq 1
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
rows() { cat "$W"/state/samples/centre-tp/*.csv | wc -l; }
n=$(rows)
start_daemon "$W/lw.conf"
# three readings judged after the restart (a re-fire would be made at
# the first, for_count = 1) and whatever that filed sent
judged() {
	test "$(rows)" -ge "$1" &&
	    test -z "$(ls "$W/state/outbox/test/" 2>/dev/null)"
}
wait_for 15 judged $((n + 3)) || echo "not judged and sent after the restart in 15 s"
# a kill between the outbox write and the state save may send the same
# event again: at least once, with the same event_id; never a new one
check "no re-fire after kill -9 and restart (one event_id)" \
    test "$(distinct_ids firing centre-tp:threshold)" -eq 1
# judged again after the restart, the event is not queued twice: one
# post before the kill, at most one more from the outbox after it
check "at most one repeat of it" \
    test "$(events firing centre-tp:threshold)" -le 2

# the status word turns to 4 (fault) at 14 s for 4 s
wait_for 20 events_ge resolved 1 centre-tp:fault
check "fault fired once" test "$(events firing centre-tp:fault:1)" -eq 1
check "fault resolved once" test "$(events resolved centre-tp:fault:2)" -eq 1
check "fault samples logged with flag D" grep -q ',D,' "$W"/state/samples/centre-tp/*.csv

# the analyzer stops answering, then comes back on the same port
kill -TERM "$SIM_PID"
wait "$SIM_PID" 2>/dev/null
wait_for 15 events_ge firing 1 centre-tp:comm
check "comm lost fired" test "$(events firing centre-tp:comm:1)" -eq 1
check "no stale alert while comm or fault explains it" test "$(events firing centre-tp:stale)" -eq 0
check "comm failures logged with flag B" grep -q ',B,' "$W"/state/samples/centre-tp/*.csv
bg sim2 "$BIN/lwsim" --tcp "127.0.0.1:$SIM_PORT" --tp-steps "0.061"
wait_for 20 events_ge resolved 1 centre-tp:comm
check "comm resolved" test "$(events resolved centre-tp:comm:2)" -eq 1
echo "threshold: $(events firing centre-tp:threshold) firing posts," \
    "$(distinct_ids firing centre-tp:threshold) distinct id(s)," \
    "$(events resolved centre-tp:threshold) resolved"
check "still one threshold firing, no resolve (value stayed high)" \
    test "$(distinct_ids firing centre-tp:threshold)" -eq 1 -a \
    "$(events resolved centre-tp:threshold)" -eq 0

# operator maintenance: readings flagged M, kept in the sample log
check "maintenance on" "$BIN/lakewatch" maintenance -c "$W/lw.conf" centre-tp on -f 1h
wait_for 10 grep -q "maintenance switched on" "$W/daemon.log"
wait_for 10 rows_ge centre-tp M 1
check "maintenance listed" grep -q "centre-tp.*in maintenance until" \
    <("$BIN/lakewatch" maintenance -c "$W/lw.conf")
check "readings flagged M in the sample log" grep -q ',M,' "$W"/state/samples/centre-tp/*.csv
check "maintenance off" "$BIN/lakewatch" maintenance -c "$W/lw.conf" centre-tp off
wait_for 10 grep -q "maintenance over" "$W/daemon.log"
check "maintenance off seen by the daemon" \
    test "$(grep -c 'maintenance over' "$W/daemon.log")" -eq 1
# on for 3 s, then the clock alone ends it (nothing touches the folder)
check "maintenance on for 3 s" "$BIN/lakewatch" maintenance -c "$W/lw.conf" centre-tp on -f 3s
wait_for 10 eval '[ "$(grep -c "maintenance switched on" "$W/daemon.log")" -eq 2 ]'
wait_for 10 eval '[ "$(grep -c "maintenance over" "$W/daemon.log")" -eq 2 ]'
check "a timed maintenance ends by itself" \
    test "$(grep -c 'maintenance over' "$W/daemon.log")" -eq 2
# lies in the folder: a file of no sensor, and a link named after one
# to a file saying "until switched off": neither turns it on; then a
# real file does (the daemon was reading the folder all along)
echo 0 >"$W/state/maintenance/no-such-sensor"
echo 0 >"$W/elsewhere"
ln -s "$W/elsewhere" "$W/state/maintenance/centre-tp"
sleep 3
check "a stray file and a link in maintenance/ are ignored" \
    test "$(grep -c 'maintenance switched on' "$W/daemon.log")" -eq 2
rm "$W/state/maintenance/centre-tp"
echo 0 >"$W/state/maintenance/centre-tp"
check "a plain file beside them is read" wait_for 10 eval \
    '[ "$(grep -c "maintenance switched on" "$W/daemon.log")" -eq 3 ]'
stop_daemon
check "exit 0" test "$DAEMON_RC" -eq 0
grep -E "alert|maintenance" "$W/daemon.log"
finish
