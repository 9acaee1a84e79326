#!/bin/bash
# tests/layout.sh (make check runs it): the three homes of the C code
# keep their rule. lib/ and drivers/ (what both programs use) include
# nothing of daemon/ or tool/; tool/ includes nothing of daemon/; and
# bin/lakewatch links none of the daemon's threads (poll pool, notify,
# store writer). Prints each breach and "N passed, M failed".
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
pass=0
fail=0
breach() { echo "FAIL layout: $*"; fail=$((fail + 1)); }

# rule DIRS... -- FORBIDDEN...: no file of DIRS includes a FORBIDDEN dir
rule() {
	local dirs=() bad=() files=() f line inc d n=0
	while [ "$1" != -- ]; do dirs+=("$1"); shift; done
	shift
	bad=("$@")
	for d in "${dirs[@]}"; do files+=("$d"/*.[ch]); done
	for f in "${files[@]}"; do
		while IFS= read -r line; do
			inc=$(sed -n 's/^#include "\(.*\)".*/\1/p' <<<"${line#*:}")
			for d in "${bad[@]}"; do
				case $(realpath -m --relative-to=. \
				    "$(dirname "$f")/$inc") in
				"$d"/*) breach "$f:${line%%:*}: includes $inc"
					n=$((n + 1)) ;;
				esac
			done
		done < <(grep -n '^#include "' "$f")
	done
	[ "$n" -eq 0 ] && pass=$((pass + 1))
}
rule lib drivers -- daemon tool
rule tool -- daemon

# bin/lakewatch (if built) has none of the daemon's thread modules
if [ -x bin/lakewatch ]; then
	n=0
	for sym in pool_new notify_start writer_start; do
		if nm bin/lakewatch 2>/dev/null | grep -qw "$sym"; then
			breach "bin/lakewatch links $sym"
			n=$((n + 1))
		fi
	done
	[ "$n" -eq 0 ] && pass=$((pass + 1))
fi

# the package builds with what `make deps` installs: every library of
# DEB_BUILD is a Build-Depends of debian/control (a -dev missing there
# builds here and fails on a buildd)
if [ -f debian/control ]; then
	n=0
	for p in $(make -s --no-print-directory -f Makefile \
	    print-DEB_BUILD 2>/dev/null | tr ' ' '\n' | grep -- '-dev$'); do
		if ! sed -n '/^Build-Depends:/,/^[A-Z]/p' debian/control |
		    grep -qw -- "$p"; then
			breach "debian/control: Build-Depends lacks $p (DEB_BUILD)"
			n=$((n + 1))
		fi
	done
	[ "$n" -eq 0 ] && pass=$((pass + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
