#!/bin/bash
# tests/systemd/fresh.sh (make check-fresh): the README's promise, as a
# new user meets it. A Debian 12 tree with only what debootstrap puts
# there, plus git and make; the repository cloned into it; then, inside,
# nothing but the README's commands: `make demo` (DEMO_SECONDS=40) and
# `make deb`; then the tree is booted and the package installed with
# apt: the service must run. Slow (it installs the build and demo
# packages from the archive, 5-10 min), so not part of CI; run it before
# a release and after changing what `make deps`/`demo`/`deb` install.
#
# The tree is run.sh's (NSROOT, made with `run.sh --tree-only` when
# missing), never changed: the container runs on an overlay of it, and
# clones the committed HEAD of this repository (what a user would get).
# Needs root and the network (apt). KEEP=1 keeps the work directory.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=${NSROOT:-${TMPDIR:-/tmp}/lakewatch-nsroot}
W=$(mktemp -d "${TMPDIR:-/tmp}/lakewatch-fresh.XXXXXX")
R=$W/root
. "$TOP/tests/systemd/lib.sh"
APT=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q)
trap overlay_cleanup EXIT

need_tree
overlay
# what check-systemd's `make install` left in the shared tree: a new
# machine has none of it (its config would stop dpkg at a conffile prompt)
rm -rf "$R/etc/lakewatch" "$R/var/lib/lakewatch" "$R/var/www/lakewatch" \
    "$R/etc/systemd/system/lakewatchd.service.d" \
    "$R"/usr/lib/systemd/system/lakewatch* "$R/usr/sbin/lakewatchd" \
    "$R/usr/bin/lakewatch" "$R"/usr/lib/sysusers.d/lakewatch.conf \
    "$R"/usr/lib/tmpfiles.d/lakewatch.conf
git clone -q "$TOP" "$R/root/lakewatch" || die "git clone"
echo lakewatch-fresh >"$R/etc/hostname"

# run CMD in the tree as a new user would, not booted (a shell)
inside() {
	systemd-nspawn -q -D "$R" --register=no --keep-unit \
	    --chdir=/root/lakewatch -E DEMO_SECONDS=40 -E HOME=/root \
	    bash -c "$1"
}
t=$SECONDS
inside "apt-get update -q && ${APT[*]} install make git" \
    >"$W/apt.log" 2>&1
check "apt-get install make git ($(secs $t))" test $? -eq 0
t=$SECONDS
inside "make demo" >"$W/demo.log" 2>&1
rc=$?
check "make demo: exit $rc ($(secs $t))" test "$rc" -eq 0
grep -E "mean|均值|firing|resolved" "$W/demo.log" | head -n 6 |
    sed 's/^/    | /'
t=$SECONDS
inside "make deb" >"$W/deb.log" 2>&1
rc=$?
check "make deb: exit $rc ($(secs $t))" test "$rc" -eq 0
[ "$rc" -eq 0 ] || { tail "$W/deb.log"; die "make deb"; }
DEB=$(cd "$R/root/lakewatch/build" && ls lakewatch_*.deb | head -n 1)

boot "$R" "$W/nspawn.log"
t=$SECONDS
IN "${APT[@]}" install "/root/lakewatch/build/$DEB" >"$W/install.log" 2>&1
rc=$?
check "apt-get install ./build/$DEB: exit $rc ($(secs $t))" test "$rc" -eq 0
is_active() { [ "$(IN systemctl is-active lakewatchd.service)" = active ]; }
check "the service runs (lakewatchd.service active)" wait_for 20 is_active
check "lakewatch status exits 0" wait_for 10 \
    IN lakewatch status -c /etc/lakewatch/lakewatch.conf
echo "$pass passed, $fail failed ($(secs "$T0"))"
[ "$fail" -eq 0 ]
