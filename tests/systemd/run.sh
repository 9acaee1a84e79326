#!/bin/bash
# tests/systemd/run.sh (make check-systemd): lakewatchd under a real
# systemd (Debian bookworm, systemd 252) booted in systemd-nspawn.
#
# A minimal tree is made once with debootstrap (NSROOT, default
# $TMPDIR/lakewatch-nsroot; reused when present), `make install
# DESTDIR=...` puts lakewatch in it, the container boots, and everything
# is driven with `nsenter -t <container PID 1> -a systemctl ...`. The
# simulator (bin/lwsim) and the webhook receiver run on the host: the
# container shares the host's network namespace, so loopback is common.
#
# Proves: Type=notify (active only after READY=1), STATUS=, reload
# (RELOADING=1 ... READY=1; a bad config fails `systemctl reload` and
# the daemon keeps its config), no webhook token in the journal
# (ExecStartPre= and ExecReload= run lakewatchd -t), the watchdog (a hung
# core loop is killed and restarted), stop (exit 0, state flushed), the
# sysusers user and StateDirectory=, and the online security score.
# Prints PASS/FAIL lines and "N passed, M failed". Needs root.
# --tree-only: make (or check) the container tree and stop there (CI
# does it in the background while other tests run).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=${NSROOT:-${TMPDIR:-/tmp}/lakewatch-nsroot}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
LIBS="libmodbus5 librrd8 libcurl4 libinih1 libjansson4 libssl3 libsystemd0 \
    libmicrohttpd12 libcsv3 libxlsxwriter4"
PY=/usr/bin/python3
W=$(mktemp -d "${TMPDIR:-/tmp}/lakewatch-systemd.XXXXXX")
CONF=$ROOT/etc/lakewatch/lakewatch.conf
SD=/var/lib/lakewatch
PIDS=()
. "$TOP/tests/systemd/lib.sh"	# check, die, wait_for, IN, secs, boot
unset http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY

cleanup() {
	local i
	if [ -n "$NSPID" ]; then
		kill -TERM "$NSPID" 2>/dev/null
		wait "$NSPID" 2>/dev/null
	fi
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		kill -TERM "${PIDS[i]}" 2>/dev/null
		wait "${PIDS[i]}" 2>/dev/null
	done
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

prop() { IN systemctl show -p "$1" --value lakewatchd.service; }
journal() { IN journalctl -b --no-pager -o cat -u lakewatchd.service; }
journal_has() { journal | grep -q -- "$1"; }
status_has() { prop StatusText | grep -Eq -- "$1"; }
substate_is() { [ "$(prop SubState)" = "$1" ]; }
is_active() { [ "$(IN systemctl is-active lakewatchd.service)" = "$1" ]; }

[ "$(id -u)" = 0 ] || die "needs root (systemd-nspawn, debootstrap)"

# --- the host's tools and the container tree -------------------------------
if ! command -v systemd-nspawn >/dev/null ||
    ! command -v debootstrap >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends systemd-container debootstrap \
	    >"$W/apt.log" 2>&1 || die "apt-get install systemd-container"
fi
t=$SECONDS
if [ ! -x "$ROOT/usr/lib/systemd/systemd" ]; then
	rm -rf "$ROOT.new"
	debootstrap --variant=minbase \
	    --include=systemd,systemd-sysv,dbus,procps,${LIBS// /,} \
	    bookworm "$ROOT.new" "$MIRROR" >"$W/debootstrap.log" 2>&1 ||
	    { tail "$W/debootstrap.log"; die "debootstrap"; }
	mv "$ROOT.new" "$ROOT"
fi
# a tree made elsewhere may lack the runtime libraries
n=$(chroot "$ROOT" dpkg-query -W -f='${Status}\n' $LIBS procps 2>/dev/null |
    grep -c 'install ok installed')
if [ "$n" -ne "$(($(wc -w <<<"$LIBS") + 1))" ]; then
	{ chroot "$ROOT" apt-get update -q &&
	  chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get \
	    install -y -q --no-install-recommends $LIBS procps; } \
	    >"$W/chroot-apt.log" 2>&1 || die "apt-get in $ROOT"
fi
echo "tree: $ROOT ($(secs $t))"
if [ "${1:-}" = --tree-only ]; then
	trap - EXIT
	rm -rf "$W"
	exit 0
fi

# leftovers of an earlier run
rm -rf "$ROOT/var/lib/lakewatch" "$ROOT/var/lib/private/lakewatch" \
    "$ROOT/etc/lakewatch" "$ROOT/etc/systemd/system/lakewatchd.service.d"
make -C "$TOP" --no-print-directory install DESTDIR="$ROOT" PREFIX=/usr \
    >"$W/install.log" 2>&1 || { tail "$W/install.log"; die "make install"; }
installed() {
	local f
	for f in usr/sbin/lakewatchd usr/bin/lakewatch \
	    lib/systemd/system/lakewatchd.service \
	    usr/lib/sysusers.d/lakewatch.conf \
	    usr/lib/tmpfiles.d/lakewatch.conf etc/lakewatch/lakewatch.conf \
	    usr/share/man/man1/lakewatch.1 \
	    usr/share/man/man5/lakewatch.conf.5 \
	    usr/share/man/man8/lakewatchd.8; do
		[ -s "$ROOT/$f" ] || { echo "missing $f"; return 1; }
	done
	! grep -Eq "@(SBINDIR|SYSCONFDIR)@" "$ROOT/lib/systemd/system/lakewatchd.service"
}
man_ok() {	# the installed pages render, and say what they are
	MANWIDTH=80 man -l "$ROOT/usr/share/man/man8/lakewatchd.8" | grep -q SIGHUP &&
	    MANWIDTH=80 man -l "$ROOT/usr/share/man/man5/lakewatch.conf.5" | grep -q state_dir &&
	    MANWIDTH=80 man -l "$ROOT/usr/share/man/man1/lakewatch.1" | grep -q maintenance
}
check "make install: binaries, unit, sysusers, tmpfiles, config, 3 man pages" \
    installed
check "the installed man pages render with man -l" man_ok
# only what the test needs to be quick: the watchdog fires in 3 s, not 30
mkdir -p "$ROOT/etc/systemd/system/lakewatchd.service.d"
cat >"$ROOT/etc/systemd/system/lakewatchd.service.d/test.conf" <<'EOF'
[Service]
WatchdogSec=3s
RestartSec=1s
EOF
echo lakewatch-test >"$ROOT/etc/hostname"

# --- peers on the host ------------------------------------------------------
"$TOP/bin/lwsim" --tcp 127.0.0.1:0 --port-file "$W/sim.port" \
    --tp-steps "0.030:3,0.061" >"$W/sim.log" 2>&1 &
PIDS+=($!)
wait_for 10 test -s "$W/sim.port" || die "lwsim did not start"
SIM_PORT=$(head -n 1 "$W/sim.port")
RECEIVER=$TOP/tests/peers/receiver.py
if [ ! -f "$RECEIVER" ]; then	# a stand-in until the shared one exists
	RECEIVER=$W/receiver.py
	cat >"$RECEIVER" <<'EOF'
import argparse, http.server, json
ap = argparse.ArgumentParser()
ap.add_argument("--port-file"); ap.add_argument("--log")
a = ap.parse_args()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(a.log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"headers": {k.lower(): v for k, v in
                self.headers.items()}, "body": json.loads(body)}) + "\n")
        self.send_response(200); self.end_headers()
    def log_message(self, *x): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(a.port_file + ".tmp", "w").write("%d\n" % s.server_address[1])
__import__("os").rename(a.port_file + ".tmp", a.port_file)
s.serve_forever()
EOF
fi
"$PY" "$RECEIVER" --port-file "$W/hook.port" --log "$W/hook.jsonl" \
    >"$W/receiver.log" 2>&1 &
PIDS+=($!)
wait_for 10 test -s "$W/hook.port" || die "receiver did not start"
HOOK_URL=http://127.0.0.1:$(head -n 1 "$W/hook.port")/hook
touch "$W/hook.jsonl"

# --- boot -------------------------------------------------------------------
boot "$ROOT" "$W/nspawn.log"

check "sysusers made the unprivileged user 'lakewatch' (in dialout)" \
    eval 'IN id -nG lakewatch | grep -qw dialout'
# as make install leaves it, after boot (sysusers, tmpfiles have run)
echo "    installed config: $(IN stat -c '%U:%G %a' /etc/lakewatch/lakewatch.conf)"
conf_readable() {
	IN setpriv --reuid=lakewatch --regid=lakewatch --init-groups \
	    cat /etc/lakewatch/lakewatch.conf >/dev/null 2>&1
}
check "the installed config is readable by the service's user" conf_readable

# --- start: active only after READY=1 ---------------------------------------
# The alert state file is a FIFO: the daemon, exec'd after ExecStartPre
# (lakewatchd -t) passed, blocks reading it before it sends READY=1.
# While we hold it the unit must stay "activating"; it becomes active only
# once the daemon goes on. (A FIFO as secret_file would be refused: a
# secret must be a regular file.)
write_conf() {	# write_conf SECRET-LINE [EXTRA SENSOR]
	cat >"$CONF" <<EOF
[daemon]
state_dir = $SD
interval = 1
[bus station]
type = tcp
host = 127.0.0.1
port = $SIM_PORT
timeout = 500ms
[sensor centre-tp]
bus = station
unit = 1
register = 0
word_order = cdab
status_register = 2
site = 长荡湖湖心
${2:-}
[webhook hook]
url = $HOOK_URL?access_token=$TOKEN
$1
[webhook down]
url = http://127.0.0.1:1/never
EOF
	IN chgrp lakewatch /etc/lakewatch/lakewatch.conf
}
TOKEN=NSPAWNTOKEN42	# must never show in the journal
write_conf "secret_file = /etc/lakewatch/hook.secret"
IN sh -c 'umask 077 && echo s3cret >/etc/lakewatch/hook.secret'
IN chown lakewatch: /etc/lakewatch/hook.secret
IN install -d -o lakewatch -g lakewatch -m 750 "$SD"
IN mkfifo -m 600 "$SD/state.json"
IN chown lakewatch: "$SD/state.json"
feed_state() { timeout 10 sh -c "echo '{\"sensors\": {}}' >'$ROOT$SD/state.json'"; }

IN systemctl start --no-block lakewatchd.service
wait_for 10 substate_is start ||
    die "no main process (state $(prop SubState)); $(journal | tail -n 5)"
check "ExecStartPre (lakewatchd -t) ran and passed" eval \
    'prop ExecStartPre | grep -q "code=exited ; status=0 }"'
mainpid=$(prop MainPID)
sleep 2
held=$(IN systemctl is-active lakewatchd.service)
alive=no
IN kill -0 "$mainpid" && alive=yes
feed_state || die "the daemon did not read its state file"
wait_for 10 is_active active
exec_us=$(prop ExecMainStartTimestampMonotonic)
active_us=$(prop ActiveEnterTimestampMonotonic)
echo "    daemon exec'd, held 2 s before READY=1: unit was '$held'," \
    "process alive: $alive; active $(((active_us - exec_us) / 1000)) ms" \
    "after exec"
check "Type=notify: 'activating' while the daemon runs without READY=1" \
    test "$held" = activating -a "$alive" = yes
check "active (running) only after READY=1 (>= 2 s after exec)" \
    test "$(IN systemctl is-active lakewatchd.service)" = active -a \
    $((active_us - exec_us)) -ge 2000000
check "journal: 'started' logged" journal_has "started: 1 buses"

# --- who it runs as ------------------------------------------------------------
mainpid=$(prop MainPID)
# structured journal fields (sd_journal_send under systemd): a line
# about a sensor carries SENSOR=, so journalctl can select by it
wait_for 10 eval 'IN journalctl -b --no-pager -o cat SENSOR=centre-tp | grep -q .'
check "journalctl SENSOR=centre-tp finds the sensor's lines" \
    eval 'IN journalctl -b --no-pager -o cat SENSOR=centre-tp | grep -q "centre-tp"'
check "runs as user lakewatch" test "$(IN stat -c %U "/proc/$mainpid")" = lakewatch
check "supplementary group dialout (serial ports)" eval \
    "IN grep '^Groups:' /proc/$mainpid/status | grep -qw \"\$(IN getent group dialout | cut -d: -f3)\""
wait_for 10 IN test -s "$SD/rrd/centre-tp.rrd"
check "StateDirectory $SD: lakewatch-owned 0750, RRD written as lakewatch" \
    test "$(IN stat -c '%U %a' "$SD")" = "lakewatch 750" -a \
    "$(IN stat -c %U "$SD/rrd/centre-tp.rrd" 2>/dev/null)" = lakewatch

# --- STATUS= ------------------------------------------------------------------
wait_for 20 status_has 'buses up 1/1.*outbox [1-9]'
echo "    StatusText: $(prop StatusText)"
check "STATUS= shows the bus up and the outbox depth" \
    status_has 'buses up 1/1.*sensors 1,.*outbox [1-9]'
wait_for 10 grep -q firing "$W/hook.jsonl"
check "webhook delivered from inside the sandbox (signed)" \
    grep -q 'x-lakewatch-signature' "$W/hook.jsonl"

# --- reload -------------------------------------------------------------------
IN systemd-analyze log-level debug
write_conf "secret = s3cret" "[sensor centre-temp]
bus = station
unit = 1
parameter = temp
register = 3"
IN systemctl reload lakewatchd.service
rc=$?
wait_for 10 status_has 'sensors 2,'
sleep 0.5
IN systemd-analyze log-level info
check "systemctl reload exits 0" test "$rc" -eq 0
check "reload applied: the added sensor shows in STATUS= and status.json" \
    eval 'status_has "sensors 2," && IN lakewatch status -c /etc/lakewatch/lakewatch.conf | grep -q centre-temp'
# in this order (systemd logs at debug level): the daemon's RELOADING=1;
# (its own lines reach the journal through sd_journal_send, so -o cat
# shows them without the "lakewatchd: " that stderr lines carry)
# its "reloaded" line and its READY=1 with the unit in "reload"; then the
# unit back to "running". The unit may already be in "reload" for
# ExecReload's kill when RELOADING=1 comes (the daemon answers SIGHUP at
# once), or enter it on RELOADING=1 once the kill has ended.
in_order() {
	journal | awk '
	    /Changed [a-z-]+ -> [a-z-]+$/ { st = $NF }
	    /notification message.*\(RELOADING=1/ { if (s == 0) s = 1; next }
	    s == 1 && /^(lakewatchd: )?reloaded/ { if (st == "reload") s = 2; next }
	    s == 2 && /notification message.*\(READY=1\)/ { if (st == "reload") s = 3; next }
	    s == 3 && /Changed reload -> running/ { s = 4 }
	    END { exit s != 4 }'
}
journal | grep -E 'notification message.*(RELOADING|READY)|Changed .*reload|^(lakewatchd: )?reload' |
    sed 's/^/    | /'
check "RELOADING=1 ... READY=1: systemd had the unit in 'reload' meanwhile" \
    in_order
check "same process after reload" test "$(prop MainPID)" = "$mainpid"

# ExecReload= checks first (lakewatchd -t): a bad file fails the reload
# with its FILE:LINE in the journal, and no SIGHUP is sent
echo "bogus_key = 1" >>"$CONF"
IN systemctl reload lakewatchd.service 2>"$W/reload.err"
rc=$?
echo "    systemctl reload: exit $rc; $(head -n 1 "$W/reload.err")"
echo "    $(journal | grep 'bogus_key' | tail -n 1)"
check "a bad config: systemctl reload exits non-zero" test "$rc" -ne 0
check "... the journal names FILE:LINE of the bad key" \
    journal_has "lakewatch.conf:[0-9]*: .*bogus_key"
sleep 1.5
check "... and the old config keeps running (active, same PID, 2 sensors)" \
    eval 'is_active active && test "$(prop MainPID)" = "$mainpid" && status_has "sensors 2,"'
check "no webhook token in the journal (-t prints no config)" \
    eval '! journal | grep -q "$TOKEN"'

# --- watchdog -------------------------------------------------------------------
# A hung daemon: SIGSTOP, so no WATCHDOG=1 comes. (This used to hang
# only the core loop with a FIFO as a maintenance marker or a sample-log
# file; the daemon now opens those without blocking and refuses what is
# not a regular file, so no file in its state directory can hang it.)
write_conf "secret = s3cret" ""
IN systemctl reload lakewatchd.service
wait_for 10 status_has 'sensors 1,'
mainpid=$(prop MainPID)
IN kill -STOP "$mainpid"
wait_for 20 journal_has "Watchdog timeout"
echo "    $(journal | grep 'Watchdog timeout' | tail -n 1)"
check "a hung core loop: the watchdog fires" journal_has "Watchdog timeout"
wait_for 20 eval 'is_active active && test "$(prop MainPID)" != "$mainpid"'
check "restarted after the watchdog (NRestarts >= 1, a new PID, active)" \
    eval 'is_active active && test "$(prop NRestarts)" -ge 1 && test "$(prop MainPID)" != "$mainpid"'

# --- stop: flush and exit 0 ------------------------------------------------------
wait_for 10 status_has 'buses up 1/1'
mark=$(IN date +%s)
sleep 1
IN systemctl stop lakewatchd.service
rc=$?
check "systemctl stop exits 0, Result=success, status 0" test "$rc" -eq 0 -a \
    "$(prop Result)" = success -a "$(prop ExecMainStatus)" = 0
check "stopped cleanly: 'stopped' logged after 'stopping'" \
    eval 'journal | grep -A100 "stopping" | grep -q "stopped"'
check "flushed at stop: state.json written after the stop request" \
    test "$(IN stat -c %Y "$SD/state.json")" -gt "$mark"
check "undelivered events stay in the outbox" \
    eval 'IN sh -c "ls $SD/outbox/down/*.json" >/dev/null'

# --- hardening, measured by the running systemd -------------------------------
score=$(IN systemd-analyze security lakewatchd.service 2>&1 |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
secure() { IN systemd-analyze security --threshold=15 lakewatchd.service >/dev/null 2>&1; }
check "systemd-analyze security (online, in the container): $score <= 1.5" \
    secure

t=$SECONDS
shutdown
echo "shutdown: $(secs $t); total $(secs $T0)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
