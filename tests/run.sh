#!/bin/sh
# tests/run.sh: run the unit tests (bin/tests/test_*) and the integration
# tests (tests/integration/*.sh); print PASS/FAIL per test and, last, the
# totals as "N passed, M failed". Exit 0 only if nothing failed.
# TESTS="pattern ..." runs only the integration tests whose names match;
# UNIT=0 or INTEGRATION=0 skip a kind. Output of each test: tests/out/.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=tests/out
mkdir -p "$out"
pass=0
fail=0
failed=

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

if [ "${UNIT:-1}" = 1 ]; then
	for t in bin/tests/test_*; do
		[ -x "$t" ] || continue
		log=$out/$(basename "$t").log
		(cd tests && $WRAP "../$t") >"$log" 2>&1
		count_unit $? "$log" "$t"
	done
fi

if [ "${INTEGRATION:-1}" = 1 ]; then
	for t in tests/integration/*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		if [ -n "${TESTS:-}" ]; then
			case " $TESTS " in *" $name "*) ;; *) continue ;; esac
		fi
		log=$out/$name.log
		start=$(date +%s)
		if bash "$t" >"$log" 2>&1; then
			pass=$((pass + 1))
			echo "PASS $name ($(($(date +%s) - start)) s)"
		else
			fail=$((fail + 1))
			failed="$failed $name"
			echo "FAIL $name ($(($(date +%s) - start)) s); last lines of $log:"
			tail -n 15 "$log" | sed 's/^/    /'
		fi
	done
fi

[ -z "$failed" ] || echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
