# make demo (tests/demo.sh) as a newcomer sees it: a year of simulated
# results imported before the live part, so `lakewatch report` prints the
# bulletin sentence of the seed's lake (Jan-Apr within Class III, a May
# spike: Jan-May 0.054 mg/L, -28 % against last year's 0.075), the RRD
# holds the year (the summer bloom over 0.1 mg/L, the winter under 0.05)
# and the dashboard has its year graph; then the live part fires and
# resolves a threshold alert within a minute, and SIGTERM ends it all
# with exit 0.
. "$(dirname "$0")/../lib.sh"

D=$W/demo
HOOK_LOG=$D/hook.jsonl
t0=$SECONDS
DEMO_DIR=$D bg demo "$TOP/tests/demo.sh"
DEMO=$LAST_PID
live() { grep -q "^demo: a simulated lake station" "$W/demo.log"; }
wait_for 240 live || die "the demo did not get to the live part; $(tail "$W/demo.log")"
echo "    the year imported, report printed: $((SECONDS - t0)) s"
resolved() { [ -s "$HOOK_LOG" ] && events_ge resolved 1 centre-tp:threshold; }
wait_for 90 resolved
echo "    a threshold alert resolved: $((SECONDS - t0)) s"
wait_for 20 test -s "$D/state/www/centre-tp-year.png"
kill -TERM "$DEMO"
wait "$DEMO"
rc=$?
sed 's/^/    | /' "$W/demo.log"
check "the demo exits 0 on SIGTERM" test "$rc" -eq 0
check "the demo stopped what it started (its daemon said 'stopped')" \
    grep -q "^lakewatchd: stopped" "$W/demo.log"

check "bulletin sentence (zh): 0.054, -28 %, Class IV, Jan-Apr Class III" \
    grep -qx "  长荡湖湖心 1–5月总磷均值0.054 mg/L，同比下降28%，Ⅳ类；1–4月均达到Ⅲ类" \
    "$W/demo.log"
check "bulletin sentence (en)" grep -qx "  长荡湖湖心 TP Jan–May mean 0.054 \
mg/L, −28 % year on year, Class IV; Jan–Apr met Class III" "$W/demo.log"

now=$(date +%s)
for s in centre-tp intake-tp centre-temp; do
	rrdtool fetch "$D/state/rrd/$s.rrd" AVERAGE -r 86400 \
	    -s $((now - 365 * 86400)) -e "$now" >"$W/$s.days"
done
year() {	# year FILE MIN-DAYS LOW HIGH: known days, min below LOW, max above HIGH
	"$PY" - "$@" <<'PYEOF'
import math, sys
f, ndays, low, high = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), \
    float(sys.argv[4])
v = [float(l.split(":")[1]) for l in open(f) if ":" in l and
     l.split(":")[0].strip().isdigit()]
v = [x for x in v if not math.isnan(x)]
print("    %s: %d days known, daily means %.3f..%.3f" %
      (f.rsplit("/", 1)[1], len(v), min(v), max(v)))
sys.exit(not (len(v) >= ndays and min(v) < low and max(v) > high))
PYEOF
}
check "the lake centre's RRD has the year: winter < 0.05, the bloom > 0.1" \
    year "$W/centre-tp.days" 360 0.05 0.1
check "the intake's RRD has the year: < 0.035 in winter, > 0.04 in summer" \
    year "$W/intake-tp.days" 360 0.035 0.04
check "the temperature's RRD has the seasons: < 8 °C, > 28 °C" \
    year "$W/centre-temp.days" 360 8 28
check "the dashboard has the year graph" test -s "$D/state/www/centre-tp-year.png"

check "live: a cumulative alert fired (year to date over Class III)" \
    events_ge firing 1 centre-tp:cumulative
check "live: a threshold alert fired and resolved" eval \
    'events_ge firing 1 centre-tp:threshold && events_ge resolved 1 centre-tp:threshold'
finish
