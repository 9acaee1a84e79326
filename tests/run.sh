#!/bin/bash
# tests/run.sh: run the unit tests (bin/tests/test_*) and the integration
# tests (tests/integration/*.sh); print PASS/FAIL per test and, last, the
# totals as "N passed, M failed". Exit 0 only if nothing failed.
# TESTS="pattern ..." runs only the integration tests whose names match;
# UNIT=0 or INTEGRATION=0 skip a kind. Output of each test: tests/out/.
# JOBS=N integration tests at once (default: twice the CPUs; they mostly
# wait on timers: 59 tests took 10 s of CPU per 33 s of wall time). The
# long ones (tests/slow.txt) start first so none is left running alone at
# the end. Each runs once: a test that fails beside another is a flaky
# test to fix, not to run again.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=tests/out
mkdir -p "$out"
pass=0
fail=0
failed=
jobs=${JOBS:-$(($(nproc) * 2))}

count_unit() {	# cmocka: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$2" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$2" | tail -n 1)
	p=${p:-0}; f=${f:-0}
	if [ "$1" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$f" -eq 0 ]; then
		echo "PASS unit $(basename "$3") ($p tests)"
	else
		echo "FAIL unit $(basename "$3") ($f of $((p + f)) failed; see $2)"
		failed="$failed $(basename "$3")"
	fi
}

unit_one() {	# unit_one PROGRAM: its log, and its exit status in .rc
	local log=$out/$(basename "$1").log rc=0
	(cd tests && $WRAP "../$1") >"$log" 2>&1 || rc=$?
	echo "$rc" >"$log.rc"
}

# unit programs JOBS at once too (each has its own scratch directory:
# tests/unit/tmpdir.h); their lines print in name order
if [ "${UNIT:-1}" = 1 ]; then
	units=
	for t in bin/tests/test_*; do
		[ -x "$t" ] || continue
		units="$units $t"
		rm -f "$out/$(basename "$t").log.rc"
		unit_one "$t" &
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	done
	wait
	for t in $units; do
		log=$out/$(basename "$t").log
		rc=1
		[ -f "$log.rc" ] && read -r rc <"$log.rc"
		count_unit "$rc" "$log" "$t"
	done
fi

# the layout rule: what includes what, what the tool links
if [ "${UNIT:-1}" = 1 ]; then
	tests/layout.sh >"$out/layout.log" 2>&1
	read -r p _ f _ <<<"$(tail -n 1 "$out/layout.log")"
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))
	if [ "${f:-1}" -eq 0 ]; then
		echo "PASS layout ($p rules)"
	else
		echo "FAIL layout; see $out/layout.log:"
		grep '^FAIL' "$out/layout.log" | sed 's/^/    /'
		failed="$failed layout"
	fi
fi

run_one() {	# run_one NAME: its log, and "rc seconds" in NAME.result
	local start=$SECONDS rc=0
	bash "tests/integration/$1.sh" >"$out/$1.log" 2>&1 || rc=$?
	echo "$rc $((SECONDS - start))" >"$out/$1.result"
}

report() {	# report NAME: PASS/FAIL line from NAME.result
	local rc=1 secs=?
	[ -f "$out/$1.result" ] && read -r rc secs <"$out/$1.result"
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS $1 ($secs s)"
	else
		fail=$((fail + 1))
		failed="$failed $1"
		echo "FAIL $1 ($secs s); last lines of $out/$1.log:"
		tail -n 15 "$out/$1.log" | sed 's/^/    /'
	fi
}

if [ "${INTEGRATION:-1}" = 1 ]; then
	names=
	for t in $(sed -n 's|^\([a-z0-9_]*\).*|tests/integration/\1.sh|p' \
	    tests/slow.txt) tests/integration/*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		case " $names " in *" $name "*) continue ;; esac
		if [ -n "${TESTS:-}" ]; then
			case " $TESTS " in *" $name "*) ;; *) continue ;; esac
		fi
		names="$names $name"
		rm -f "$out/$name.result"
		run_one "$name" &
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	done
	wait
	for name in $names; do
		report "$name"
	done
fi

[ -z "$failed" ] || echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
