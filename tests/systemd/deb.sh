#!/bin/bash
# tests/systemd/deb.sh (make check-deb): the Debian package on a fresh
# Debian 12 booted in systemd-nspawn, as a gateway gets it: installed
# with apt, started by its postinst with the shipped config (no bus: it
# runs and polls nothing, quietly); a local edit of the conffile; an
# upgrade in place to a newer version (built here from the same tree
# with a bumped debian/changelog) that keeps the edit and restarts the
# service; a purge that leaves nothing under /etc/lakewatch,
# /var/lib/lakewatch or /var/www/lakewatch. The user lakewatch stays:
# Debian does not remove system users on purge (files may still be
# theirs, and a reused uid would inherit them).
#
# The tree is run.sh's (NSROOT, made with `run.sh --tree-only` when
# missing), never changed: the container runs on an overlay of it.
# Needs root. Prints PASS/FAIL lines and "N passed, M failed".
# tests/systemd/deb.sh [DEB]: default build/lakewatch_<version>_<arch>.deb
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=${NSROOT:-${TMPDIR:-/tmp}/lakewatch-nsroot}
W=$(mktemp -d "${TMPDIR:-/tmp}/lakewatch-deb.XXXXXX")
R=$W/root
. "$TOP/tests/systemd/lib.sh"
V=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
V2=$V+1
DEB=${1:-$TOP/build/lakewatch_${V}_$(dpkg --print-architecture).deb}
APT=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
unset http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY

trap overlay_cleanup EXIT

[ -f "$DEB" ] || die "no $DEB (make deb)"
need_tree

# --- a newer version of the same package --------------------------------
# The tree dpkg-buildpackage built in (make deb), copied, with a changelog
# entry on top and a conffile that changed; -nc: only what the version
# is compiled into is built again (the Makefile: those objects depend on
# debian/changelog).
t=$SECONDS
src=$TOP/build/deb/lakewatch-$V
[ -d "$src" ] || die "no $src (make deb)"
mkdir -p "$W/b2"
cp -a "$src" "$W/b2/lakewatch-$V2"
(
	cd "$W/b2/lakewatch-$V2" || exit 1
	{ printf 'lakewatch (%s) unstable; urgency=medium\n\n' "$V2"
	  printf '  * A test upgrade (tests/systemd/deb.sh).\n\n'
	  printf ' -- lakewatch tests <lakewatch@localhost>  %s\n\n' \
	      "$(date -R)"
	  cat debian/changelog; } >debian/changelog.new
	mv debian/changelog.new debian/changelog
	echo "; (a comment the newer version added)" >>etc/lakewatch.conf
	rm -f debian/debhelper-build-stamp
	dpkg-buildpackage -us -uc -b -nc
) >"$W/build2.log" 2>&1 || { tail "$W/build2.log"; die "building $V2"; }
DEB2=$(ls "$W/b2"/lakewatch_"$V2"_*.deb)
echo "built $(basename "$DEB2") ($(secs $t))"

# --- the container: an overlay of the tree --------------------------------
overlay
rm -rf "$R/etc/lakewatch" "$R/var/lib/lakewatch" "$R/var/www/lakewatch"
cp "$DEB" "$DEB2" "$R/root/"
echo lakewatch-deb >"$R/etc/hostname"
boot "$R" "$W/nspawn.log"

# --- install ------------------------------------------------------------------
t=$SECONDS
IN "${APT[@]}" install "/root/$(basename "$DEB")" >"$W/install.log" 2>&1
rc=$?
echo "apt-get install $(basename "$DEB"): exit $rc ($(secs $t))"
[ "$rc" -eq 0 ] || { tail "$W/install.log"; die "apt-get install"; }
prop() { IN systemctl show -p "$1" --value lakewatchd.service; }
is_active() { [ "$(IN systemctl is-active lakewatchd.service)" = active ]; }
version_is() {	# the package, both programs and the running daemon agree
	[ "$(IN dpkg-query -W -f='${Version}' lakewatch)" = "$1" ] &&
	    [ "$(IN lakewatchd --version)" = "lakewatchd $1" ] &&
	    [ "$(IN lakewatch --version)" = "lakewatch $1" ] &&
	    IN grep -q "\"version\": *\"$1\"" /var/lib/lakewatch/status.json
}
CONF=/etc/lakewatch/lakewatch.conf
wait_for 20 is_active
check "installed and started by its postinst: active, enabled" eval \
    'is_active && test "$(IN systemctl is-enabled lakewatchd.service)" = enabled'
wait_for 10 IN test -s /var/lib/lakewatch/status.json
check "the status file appears (/var/lib/lakewatch/status.json)" \
    IN test -s /var/lib/lakewatch/status.json
echo "    $(IN lakewatchd --version); package $(IN dpkg-query -W \
    -f='${Version}' lakewatch); StatusText: $(prop StatusText)"
check "one version: dpkg, lakewatchd --version, lakewatch --version, status" \
    version_is "$V"
check "sysusers: the user lakewatch, in dialout" \
    eval 'IN id -nG lakewatch | grep -qw dialout'
echo "    $CONF: $(IN stat -c '%U:%G %a' $CONF), a conffile:" \
    "$(IN dpkg-query -W -f='${Conffiles}' lakewatch | tr -s ' \n' ' ')"
check "the conffile: root:lakewatch 0640 (tmpfiles), listed as a conffile" \
    eval 'test "$(IN stat -c "%U:%G %a" $CONF)" = "root:lakewatch 640" &&
    IN dpkg-query -W -f="\${Conffiles}" lakewatch | grep -q " $CONF "'
IN setpriv --reuid=lakewatch --regid=lakewatch --init-groups \
    lakewatchd -t -c $CONF >"$W/t.out" 2>&1
rc=$?
echo "    lakewatchd -t (as lakewatch): $(cat "$W/t.out")"
check "the shipped config passes lakewatchd -t, read as the service's user" \
    test "$rc" -eq 0
journal() { IN journalctl -b --no-pager -o cat -u lakewatchd.service; }
check "journal: started with no bus" eval \
    'journal | grep -q "started: 0 buses, 0 sensors, 0 webhooks"'
IN journalctl -b --no-pager -o cat -u lakewatchd.service -p warning >"$W/warn"
check "quiet: nothing at warning or above in its journal" test ! -s "$W/warn"
sed 's/^/    | /' "$W/warn"
check "lakewatch status -c $CONF exits 0" IN lakewatch status -c $CONF
installed() {
	local f
	for f in /usr/share/man/man1/lakewatch.1.gz \
	    /usr/share/man/man5/lakewatch.conf.5.gz \
	    /usr/share/man/man8/lakewatchd.8.gz \
	    /usr/share/bash-completion/completions/lakewatch \
	    /usr/share/bash-completion/completions/lakewatchd \
	    /usr/share/doc/lakewatch/nginx-lakewatch.conf \
	    /lib/systemd/system/lakewatch-dashboard.timer; do
		IN test -e "$f" || { echo "    missing $f"; return 1; }
	done
}
check "man pages, bash completion, nginx snippet, dashboard units" installed
check "the dashboard timer is left to the admin (disabled)" test \
    "$(IN systemctl is-enabled lakewatch-dashboard.timer)" = disabled
IN systemctl start lakewatch-dashboard.service
check "... and the dashboard unit runs: /var/www/lakewatch/index.html" \
    IN test -s /var/www/lakewatch/index.html

# --- a local edit, then the upgrade -----------------------------------------
IN sed -i 's/^interval  = 60 /interval  = 30 /' $CONF
IN sh -c "echo '; edited on this gateway' >>$CONF"
IN systemctl reload lakewatchd.service
pid=$(prop MainPID)
t=$SECONDS
IN "${APT[@]}" install "/root/$(basename "$DEB2")" >"$W/upgrade.log" 2>&1
rc=$?
echo "apt-get install $(basename "$DEB2") (upgrade): exit $rc ($(secs $t))"
[ "$rc" -eq 0 ] || { tail "$W/upgrade.log"; die "the upgrade"; }
wait_for 20 eval 'is_active && test "$(prop MainPID)" != "$pid"'
wait_for 10 version_is "$V2"
check "upgraded in place: $V -> $V2, everything says $V2" version_is "$V2"
check "the service was restarted: active, a new PID" eval \
    'is_active && test "$(prop MainPID)" != "$pid"'
check "the local edit is kept (interval 30, the comment)" eval \
    'IN grep -q "^interval  = 30 " $CONF && IN grep -q "edited on this gateway" $CONF'
check "the new version's conffile is beside it (.dpkg-dist)" \
    IN grep -q "a comment the newer version added" $CONF.dpkg-dist
check "the conffile is still root:lakewatch 0640" \
    test "$(IN stat -c '%U:%G %a' $CONF)" = "root:lakewatch 640"

# --- purge ------------------------------------------------------------------
t=$SECONDS
IN "${APT[@]}" purge lakewatch >"$W/purge.log" 2>&1
rc=$?
echo "apt-get purge lakewatch: exit $rc ($(secs $t))"
check "apt-get purge exits 0" test "$rc" -eq 0
check "purged: dpkg knows it no more" eval \
    '! IN dpkg-query -W -f="\${Status}" lakewatch 2>/dev/null | grep -q installed'
check "the service is gone (no unit, no process)" eval \
    '! IN systemctl cat lakewatchd.service >/dev/null 2>&1 && ! IN pgrep -x lakewatchd'
left=$(IN sh -c 'ls -d /etc/lakewatch /var/lib/lakewatch \
    /var/lib/private/lakewatch /var/www/lakewatch 2>/dev/null')
echo "    left behind: ${left:-nothing}"
check "nothing under /etc/lakewatch, /var/lib/lakewatch, /var/www/lakewatch" \
    test -z "$left"
check "no unit symlinks left (multi-user.target.wants)" \
    eval '! IN test -e /etc/systemd/system/multi-user.target.wants/lakewatchd.service'
echo "    user lakewatch after purge: $(IN id lakewatch 2>&1) (kept, as Debian does)"

t=$SECONDS
shutdown
echo "shutdown: $(secs $t); total $(secs $T0)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
