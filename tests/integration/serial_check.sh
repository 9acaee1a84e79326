# `lakewatch check` and the serial ports (issue 14 item 9): a device that
# is not there is a warning (exit 0: a USB adapter may come later), one
# the service user cannot read and write is an error (exit 78), both at
# FILE:LINE of the "device =" key; a pty (as a /dev/serial/by-id link
# would be, a symlink) passes. The daemon's bus-down line names the
# device and the tty the link resolves to.
. "$(dirname "$0")/../lib.sh"

bg socat socat -d -d pty,raw,echo=0,link="$W/ttyA" pty,raw,echo=0,link="$W/ttyB"
wait_for 10 test -e "$W/ttyB" || die "socat did not make the pty pair"

# rtu_conf FILE DEVICE: one RTU bus (device = on line 5), one sensor
rtu_conf() {
	printf '[daemon]\nstate_dir = state\n[bus r]\ntype = rtu\n' >"$1"
	printf 'device = %s\nbaud = 9600\ntimeout = 200ms\n' "$2" >>"$1"
	printf '[sensor s]\nbus = r\nunit = 1\nregister = 0\ninterval = 1\n' \
	    >>"$1"
}
# lc CONF OUT ARGS...: lakewatch check, its exit status into RC
lc() {
	local conf=$1 out=$2
	shift 2
	"$BIN/lakewatch" check -c "$conf" "$@" >"$out" 2>&1
	RC=$?
	cat "$out"
}

rtu_conf "$W/missing.conf" "$W/serial/by-id/usb-FTDI_FT232R-if00-port0"
lc "$W/missing.conf" "$W/missing.out"
check "a missing device: exit 0 (a warning)" test "$RC" -eq 0
check "... at FILE:LINE of device =, saying it is a warning" grep -q \
    "^$W/missing.conf:5: bus 'r': WARNING: device $W/serial/by-id/usb-FTDI_FT232R-if00-port0: No such file or directory" \
    "$W/missing.out"

rtu_conf "$W/pty.conf" "$W/ttyB"
lc "$W/pty.conf" "$W/pty.out"
check "a pty the caller can open: exit 0, nothing said of it" eval \
    '[ "$RC" -eq 0 ] && ! grep -q "bus .r.: .*device" "$W/pty.out"'

rtu_conf "$W/file.conf" "$W/plain"
echo x >"$W/plain"
lc "$W/file.conf" "$W/file.out"
check "a plain file: exit 78" test "$RC" -eq 78
check "... is not a character device, at FILE:LINE" grep -q \
    "^$W/file.conf:5: bus 'r': device $W/plain is not a character device" \
    "$W/file.out"

if [ "$(id -u)" -eq 0 ]; then
	# a root-owned 0600 node (the null device's numbers), behind a link
	mknod "$W/node" c 1 3
	chown 0:0 "$W/node"
	chmod 0600 "$W/node"
	ln -s "$W/node" "$W/by-id-link"
	rtu_conf "$W/node.conf" "$W/by-id-link"
	lc "$W/node.conf" "$W/node.out" -u nobody
	check "root:root 0600 for user nobody: exit 78" test "$RC" -eq 78
	check "... naming FILE:LINE, the target, owner and mode, and the user" \
	    grep -q "^$W/node.conf:5: bus 'r': device $W/by-id-link (-> $W/node) is root:root 0600: user 'nobody' (with group dialout) cannot read and write it" \
	    "$W/node.out"
	check "... and the first line says FAILED" grep -q \
	    "^$W/node.conf: FAILED" "$W/node.out"
	chgrp dialout "$W/node"
	chmod 0660 "$W/node"
	lc "$W/node.conf" "$W/dialout.out" -u nobody
	check "root:dialout 0660: the unit's dialout group opens it, exit 0" \
	    test "$RC" -eq 0
	check "... and says which user was checked" grep -q \
	    "^serial devices checked for user 'nobody'" "$W/dialout.out"
	lc "$W/node.conf" "$W/root.out"
	check "as root without -u: the service user, named" grep -q \
	    "user 'lakewatch'" "$W/root.out"
fi

# the daemon: a link to something that is no tty; the bus-down line
# names the device and what the link resolves to
ln -s "$W/plain" "$W/link-to-plain"
rtu_conf "$W/d.conf" "$W/link-to-plain"
start_daemon "$W/d.conf"
wait_for 30 grep -q "bus 'r': down" "$W/daemon.log"
grep "bus 'r': down" "$W/daemon.log"
check "bus down names the device and its target" grep -q \
    "bus 'r': down: $W/link-to-plain (-> $W/plain): " "$W/daemon.log"
stop_daemon
finish
