# Fault: the config cannot be read at reload (chmod 000). The daemon runs
# as user nobody here, as it would under systemd (as root, chmod 000 would
# not stop it reading). SIGHUP must be refused with one log line naming
# the file and the reason, and the running config kept: polling, the
# sample log, status.json and alert delivery go on. Once the file is
# readable again a reload applies it.
. "$(dirname "$0")/../lib.sh"

S=$W/state
status_now() {
	"$PY" -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["now"]))' \
	    "$S/status.json" 2>/dev/null || echo 0
}
status_has() {
	"$PY" -c 'import json, sys; sys.exit(sys.argv[2] not in [s["name"] for s in json.load(open(sys.argv[1]))["sensors"]])' \
	    "$S/status.json" "$1" 2>/dev/null
}
gt() { [ "$("$1")" -gt "$2" ]; }
logged() {
	cat "$S"/samples/centre-tp/*.csv 2>/dev/null | wc -l
}

start_sim --tp-steps "0.030:8,0.061"
start_receiver
station_conf "$W/lw.conf" "type = tcp" "host = 127.0.0.1" \
    "port = $SIM_PORT" "timeout = 500ms"
chmod 755 "$W"
mkdir -p "$S"
chown nobody: "$S"
chmod 644 "$W/lw.conf"
# nobody must reach the binary and, under valgrind, the suppressions and
# the log; a checkout under a 0700 directory is out of its reach. So they
# are copied into $W (755), and valgrind writes to descriptor 9, opened
# here as root on a file in its log directory.
mkdir "$W/nobody"
cp "$BIN/lakewatchd" "$W/nobody/"
wrap=
vglog=/dev/null
for a in ${WRAP:-}; do
	case $a in
	--suppressions=*)
		cp "${a#*=}" "$W/nobody/"
		a=--suppressions=$W/nobody/${a##*/} ;;
	--log-file=*)
		vglog=${a#*=}
		vglog=${vglog%/*}/fault_config-nobody-$$.log
		a=--log-fd=9 ;;
	esac
	wrap="$wrap $a"
done
bg daemon setpriv --reuid=nobody --regid=nogroup --clear-groups \
    $wrap "$W/nobody/lakewatchd" -c "$W/lw.conf" 9>>"$vglog"
DAEMON_PID=$LAST_PID
wait_for 10 test -s "$S/status.json" || die "the daemon did not start"
check "runs as nobody" test "$(stat -c %U "/proc/$DAEMON_PID")" = nobody

chmod 000 "$W/lw.conf"
kill -HUP "$DAEMON_PID"
wait_for 10 grep -q 'reload refused' "$W/daemon.log"
grep 'reload' "$W/daemon.log" | sed 's/^/    | /'
check "unreadable config: reload refused, in one line with the reason" eval \
    'test "$(grep -c "reload refused" "$W/daemon.log")" -eq 1 &&
    grep "reload refused" "$W/daemon.log" | grep -q "Permission denied"'
t=$(status_now)
n=$(logged)
wait_for 20 events_ge firing 1
wait_for 10 gt status_now "$t"
wait_for 10 gt logged "$n"
check "the daemon runs on, on the old config" kill -0 "$DAEMON_PID"
check "status.json keeps being updated" gt status_now "$t"
check "the sample log keeps growing" gt logged "$n"
check "an alert after the refusal is delivered" \
    test "$(events firing centre-tp:threshold:1)" -eq 1

chmod 644 "$W/lw.conf"
cat >>"$W/lw.conf" <<'CONF'
[sensor north-tp]
bus = station
unit = 2
register = 0
word_order = abcd
CONF
kill -HUP "$DAEMON_PID"
wait_for 10 status_has north-tp
check "readable again: the next reload applies it (new sensor in status)" \
    status_has north-tp
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
check "daemon exits 0 on SIGTERM" test $? -eq 0
finish
