#!/bin/bash
# tests/valgrind.sh (make valgrind): the unit tests, then the integration
# tests, VG_JOBS at a time (default: one per CPU, at least 2; four on a
# loaded 2-core machine failed two dozen tests), every lakewatchd and unit
# test under $VALGRIND. One valgrind log per process in $VG_DIR; with -q
# a clean process leaves it empty, so any non-empty log fails the run.
# Prints the run.sh lines, then "valgrind: N processes, ...".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
ncpu=$(nproc)
export JOBS=${VG_JOBS:-$((ncpu > 2 ? ncpu : 2))}
rm -rf "$VG_DIR" && mkdir -p "$VG_DIR" && chmod 1777 "$VG_DIR"
export WRAP=$VALGRIND
pass=0
fail=0
tally() {	# tally LOG: add run.sh's "N passed, M failed"
	local p f
	read -r p f < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$1" | tail -n 1)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-1}))
	grep -v -e '^[0-9]* passed, [0-9]* failed$' -e '^failed:' "$1"
}

INTEGRATION=0 tests/run.sh >"$VG_DIR/../valgrind-unit.log" 2>&1
tally "$VG_DIR/../valgrind-unit.log"
# one run.sh: it keeps JOBS tests going, the long ones (tests/slow.txt,
# which lists the long ones under valgrind too) first
UNIT=0 tests/run.sh >"$VG_DIR/../valgrind-integration.log" 2>&1
tally "$VG_DIR/../valgrind-integration.log"
retry=$(sed -n 's/^failed: *//p' "$VG_DIR/../valgrind-integration.log")
# valgrind runs a daemon 20-50 times slower, and the tests share the
# CPUs: a test whose timeline that stretched too far gets one more run,
# alone (its memory errors still count: every process logs to VG_DIR)
if [ -n "$retry" ]; then
	echo "retrying alone under valgrind: $retry"
	JOBS=1 UNIT=0 TESTS="$retry" tests/run.sh >"$VG_DIR/../valgrind-retry.log" 2>&1
	again=$(sed -n 's/^failed: *//p' "$VG_DIR/../valgrind-retry.log")
	for t in $retry; do
		case " $again " in
		*" $t "*) grep -A 16 "^FAIL $t " "$VG_DIR/../valgrind-retry.log" ;;
		*) echo "PASS $t on the second run"
		   pass=$((pass + 1)) fail=$((fail - 1)) ;;
		esac
	done
fi
echo "$pass passed, $fail failed"

n=$(find "$VG_DIR" -type f | wc -l)
bad=$(find "$VG_DIR" -type f -size +0 | sort)
for f in $bad; do
	echo "FAIL valgrind $f:"
	grep -v '^==[0-9]*== *$' "$f" | head -n 30
done
if [ -n "$bad" ]; then
	echo "valgrind: $(echo "$bad" | wc -w) of $n processes reported errors or leaks"
	exit 1
fi
echo "valgrind: $n processes, 0 errors, 0 definite/indirect leaks"
[ "$fail" -eq 0 ]
