# tests/systemd/lib.sh: what deb.sh and fresh.sh share with run.sh:
# PASS/FAIL lines, wait_for, and a Debian 12 tree booted in
# systemd-nspawn, driven with nsenter. Source it; set ROOT first.
pass=0
fail=0
NSPID=
LEADER=
T0=$SECONDS

check() {
	local what=$1
	shift
	if "$@"; then
		echo "PASS $what"
		pass=$((pass + 1))
	else
		echo "FAIL $what"
		fail=$((fail + 1))
	fi
}
die() {
	echo "FAIL $*"
	echo "$pass passed, $((fail + 1)) failed"
	exit 1
}
wait_for() {	# wait_for SECONDS CMD...
	local n=$(($1 * 10))
	shift
	while ((n-- > 0)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
IN() { nsenter -t "$LEADER" -a "$@"; }
secs() { echo "$(((SECONDS - $1)))s"; }

# boot DIR LOG: systemd in DIR (sharing the host's network), until
# is-system-running answers; sets NSPID and LEADER
boot() {
	local t=$SECONDS state
	systemd-nspawn -D "$1" --register=no --keep-unit -b \
	    --console=passive >"$2" 2>&1 &
	NSPID=$!
	for _ in $(seq 100); do
		LEADER=$(pgrep -P "$NSPID" -x systemd) && break
		sleep 0.1
	done
	[ -n "$LEADER" ] || { cat "$2"; die "the container did not boot"; }
	wait_for 10 IN test -S /run/systemd/private || die "no systemd bus"
	state=$(timeout 60 nsenter -t "$LEADER" -a systemctl \
	    is-system-running --wait 2>/dev/null)
	echo "boot: $state ($(secs $t))"
}

# need_tree: root, and run.sh's tree in ROOT (made when missing)
need_tree() {
	[ "$(id -u)" = 0 ] || die "needs root (systemd-nspawn, mount)"
	if [ ! -x "$ROOT/usr/lib/systemd/systemd" ]; then
		"$TOP/tests/systemd/run.sh" --tree-only ||
		    die "no container tree"
	fi
}

# overlay: an overlay of ROOT on $R (its upper and work directories in
# $W), so that the container never changes the shared tree. The scripts'
# exit trap, overlay_cleanup, powers the container off, unmounts $R and
# removes $W (KEEP=1 keeps it).
overlay() {
	mkdir -p "$W/upper" "$W/work" "$R"
	mount -t overlay overlay -o \
	    "lowerdir=$ROOT,upperdir=$W/upper,workdir=$W/work" "$R" ||
	    die "overlay mount"
}
overlay_cleanup() {
	shutdown
	mountpoint -q "$R" && umount "$R"
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}

# shutdown: power the container off and wait for it
shutdown() {
	[ -n "$NSPID" ] || return 0
	kill -TERM "$NSPID" 2>/dev/null
	wait "$NSPID" 2>/dev/null
	NSPID=
}
