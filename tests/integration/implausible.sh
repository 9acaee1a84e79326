# Values water cannot have (issue #10): TP -9487.25 mg/L (what a wrong
# word order gave) served after a firing 0.061 is flagged D, never
# judged (the alert does not resolve as Class I), never stored in the
# RRD; `lakewatch import` applies the same rule: such a value with flag
# N is refused, with flag D it is kept.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.061:8,-9487.25"
start_receiver
station_conf "$W/lw.conf" "host = 127.0.0.1" "port = $SIM_PORT" \
    "timeout = 500ms"
LOG=$W/state/samples/centre-tp

# d_rows: rows of the implausible value flagged D
d_rows() { cat "$LOG"/*.csv 2>/dev/null | grep -c '^[^,]*,-9487.25,D,'; }

start_daemon "$W/lw.conf"
wait_for 30 events_ge firing 1 centre-tp:threshold ||
    echo "no threshold firing in 30 s"
wait_for 30 eval '[ "$(d_rows)" -ge 3 ]' ||
    echo "no 3 D rows of -9487.25 in 30 s"
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
cat "$HOOK_LOG"
check "0.061 fired the threshold alert" \
    test "$(events firing centre-tp:threshold)" -eq 1
check "-9487.25 logged with flag D (3 or more rows)" test "$(d_rows)" -ge 3
check "... never with flag N" test "$(cat "$LOG"/*.csv |
    grep -c '^[^,]*,-9487.25,N,')" -eq 0
check "-9487.25 did not resolve the alert" \
    test "$(events resolved centre-tp:threshold)" -eq 0
check "the RRD holds 0.061 and nothing negative" \
    rrd_all_within "$W/state/rrd/centre-tp.rrd" 0.0609 0.0611

# import: the same rule, one function (conf_plausible)
T1=$(date -u -d '-3 days' +%Y-%m-%dT08:00:00Z)
T2=$(date -u -d '-3 days' +%Y-%m-%dT12:00:00Z)
T3=$(date -u -d '-3 days' +%Y-%m-%dT16:00:00Z)
printf '%s,0.05\n%s,3.4e12\n%s,-9487.25,N\n' "$T1" "$T2" "$T3" \
    >"$W/bad.csv"
"$BIN/lakewatch" import -c "$W/lw.conf" centre-tp "$W/bad.csv" \
    >"$W/bad.out" 2>&1
check "import refuses implausible values with flag N: exit 1" test $? -eq 1
cat "$W/bad.out"
check "... naming line 2 (3.4e12)" grep -q "bad.csv:2: value 3.4e12 .*plausible" \
    "$W/bad.out"
check "... and line 3 (-9487.25)" grep -q "bad.csv:3: value -9487.25 .*plausible" \
    "$W/bad.out"
check "... and writes nothing" test "$(cat "$LOG"/*.csv |
    grep -c "^$T1,")" -eq 0
printf '%s,0.05\n%s,-9487.25,D\n' "$T1" "$T2" >"$W/good.csv"
"$BIN/lakewatch" import -c "$W/lw.conf" centre-tp "$W/good.csv" \
    >"$W/good.out" 2>&1
check "import keeps an implausible value flagged D: exit 0" test $? -eq 0
cat "$W/good.out"
check "... in the sample log, flag D" grep -q "^$T2,-9487.25,D," "$LOG"/*.csv
finish
