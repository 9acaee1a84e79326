#!/bin/bash
# tests/fuzz/run.sh (make fuzz): run each bin/fuzz/fuzz_* for FUZZ_SECONDS
# (default 60) on its corpus tests/fuzz/corpus/<name>/ plus what earlier
# runs found (tests/out/fuzz/<name>/corpus); FUZZ_JOBS targets at a time.
# Prints a line per target with executions and exec/s; a crash, leak,
# timeout or sanitizer report fails it, and the input is kept as
# tests/out/fuzz/<name>/crash-* (replay: bin/fuzz/<name> FILE).
# FUZZ_TARGETS="fuzz_conf ..." runs only those.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
targets=${FUZZ_TARGETS:-$(cd bin/fuzz && ls fuzz_* 2>/dev/null | grep -v '\.')}
pass=0
fail=0

run_one() {
	local t=$1 out=tests/out/fuzz/$1 dict=
	rm -rf "$out/crash-"* "$out/leak-"* "$out/timeout-"* "$out/oom-"*
	rm -rf "$out/tmp"
	mkdir -p "$out/corpus" "$out/tmp" "tests/fuzz/corpus/$t"
	[ -f "tests/fuzz/$t.dict" ] && dict=-dict=tests/fuzz/$t.dict
	TMPDIR=$top/$out/tmp ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    "bin/fuzz/$t" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
	    -artifact_prefix="$out/" $dict "$out/corpus" \
	    "tests/fuzz/corpus/$t" </dev/null >"$out/log" 2>&1
	echo $? >"$out/rc"
	rm -rf "$out/tmp"
}

for t in $targets; do
	[ -x "bin/fuzz/$t" ] || { echo "FAIL $t: not built"; fail=$((fail + 1)); continue; }
	run_one "$t" &
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
done
wait

for t in $targets; do
	out=tests/out/fuzz/$t
	[ -f "$out/rc" ] || continue
	rc=$(cat "$out/rc")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/log")
	cov=$(grep -oE 'cov: [0-9]+' "$out/log" | tail -n 1)
	units=$(ls "$out/corpus" | wc -l)
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS $t: ${execs:-?} execs in ${secs} s, ${rate:-?} exec/s, ${cov:-cov: ?}, corpus $units"
	else
		fail=$((fail + 1))
		art=$(ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* \
		    "$out"/oom-* 2>/dev/null | head -n 1)
		echo "FAIL $t (rc $rc): ${execs:-?} execs, ${rate:-?} exec/s; ${art:-no artifact}"
		# replay it (FUZZ_VERBOSE: targets that silence output keep it)
		mkdir -p "$out/tmp"
		[ -n "$art" ] && TMPDIR=$top/$out/tmp FUZZ_VERBOSE=1 \
		    UBSAN_OPTIONS=print_stacktrace=1 "bin/fuzz/$t" "$art" 2>&1 |
		    grep -E 'ERROR|runtime error|SUMMARY|^    #[0-9]+ ' |
		    grep -v -e libFuzzer -e 'fuzzer::' -e 'libc.so' |
		    head -n 8 | sed 's/^ */    /'
		rm -rf "$out/tmp"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
