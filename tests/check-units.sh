#!/bin/sh
# tests/check-units.sh MAX UNIT...: `systemd-analyze verify` must print
# nothing (it exits 0 on unknown keys and bad values, so any output
# fails) and `security --offline` must score at most MAX/10.
# the binaries of ExecStart= and the like must exist for verify, so a
# copy points ours at /bin/true; man pages are looked up in the repo's man/.
set -u
max=$1
shift
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
top=$(cd "$(dirname "$0")/.." && pwd)
fail=0
for u in "$@"; do
	n=$(basename "$u")
	sed -E -e 's#^(Exec(Start|StartPre|Reload)=)[^ ]*/lakewatch[^ ]*#\1/bin/true#' \
	    -e "s#@SBINDIR@#/usr/sbin#g; s#@BINDIR@#/usr/bin#g; s#@SYSCONFDIR@#/etc#g" \
	    "$u" >"$w/$n"
	out=$(MANPATH=$top/man systemd-analyze verify "$w/$n" 2>&1)
	if [ -n "$out" ]; then
		echo "FAIL verify $n: $out"
		fail=1
	else
		echo "PASS verify $n"
	fi
	score=$(systemd-analyze security --offline=yes "$w/$n" 2>&1 |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if systemd-analyze security --offline=yes --threshold="$max" \
	    "$w/$n" >/dev/null 2>&1; then
		echo "PASS security $n: exposure $score (max $max/10)"
	else
		echo "FAIL security $n: exposure $score (max $max/10)"
		fail=1
	fi
done
exit $fail
