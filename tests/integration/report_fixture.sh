# `lakewatch report` on the fixture year (tests/fixtures/gen_year.py):
# Jan-Apr each Class III or better, Jan-May cumulative 0.054 mg/L Class
# IV, -28 % year on year against 0.075; JSON keys and values; CSV; the
# river table on the same numbers; --through; --site; usage and errors.
. "$(dirname "$0")/../lib.sh"

Y=2026
"$PY" "$TOP/tests/fixtures/gen_year.py" "$W/state" $Y \
    --write-conf "$W/lake.conf" || die "fixture generator failed"
sed 's/^water_body = lake/water_body = river/' "$W/lake.conf" >"$W/river.conf"
LW=("$BIN/lakewatch" report -c "$W/lake.conf" --year $Y)

"${LW[@]}" --sensor centre-tp >"$W/text.out" 2>&1
check "report exits 0" test $? -eq 0
cat "$W/text.out"
month_class() {	# month_class YYYY-MM: the class column of that row
	awk -v m="$1" '$1 == m { print $4 }' "$W/text.out"
}
for m in 01 02 03 04; do
	c=$(month_class $Y-$m)
	check "$Y-$m is Class III or better ($c)" \
	    grep -qxE 'I|II|III' <<<"$c"
done
check "May is Class IV" test "$(month_class $Y-05)" = IV
check "May is 0.64 times over" grep -q "^$Y-05 .*0.64 times over" \
    "$W/text.out"
check "cumulative Jan-May 0.054 Class IV, 0.08 times over" grep -q \
    "^Jan–May $Y   mean 0.054 mg/L  Class IV  0.08 times over" "$W/text.out"
check "previous year 0.075" grep -q "^Jan–May $((Y - 1))   mean 0.075" \
    "$W/text.out"
check "year on year −28.0 %" grep -q "^year on year: −28.0 %" "$W/text.out"
check "bulletin sentence (zh)" grep -qx \
    "长荡湖湖心 1–5月总磷均值0.054 mg/L，同比下降28%，Ⅳ类；1–4月均达到Ⅲ类" \
    "$W/text.out"
check "bulletin sentence (en)" grep -qx "长荡湖湖心 TP Jan–May mean 0.054 \
mg/L, −28 % year on year, Class IV; Jan–Apr met Class III" "$W/text.out"
check "invalid days left out (28 of 31 valid in January)" grep -q \
    "^$Y-01 .* 28/31 " "$W/text.out"

"${LW[@]}" --sensor centre-tp --format json >"$W/r.json"
check "json exits 0" test $? -eq 0
check "json keys and values" "$PY" - "$W/r.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
m = d["months"]
assert [x["month"] for x in m] == ["2026-0%d" % i for i in range(1, 6)], m
for x in m:
    assert set(x) >= {"month", "mean", "valid_days", "class"}, x
assert [x["mean"] for x in m] == [0.048, 0.046, 0.044, 0.05, 0.082], m
assert [x["class"] for x in m] == ["III"] * 4 + ["IV"], m
assert [x["valid_days"] for x in m] == [28, 25, 28, 27, 28], m
c = d["cumulative"]
assert set(c) >= {"from", "through", "mean", "class", "previous_mean",
                  "yoy_pct"}, c
assert c["from"] == "2026-01" and c["through"] == "2026-05", c
assert c["mean"] == 0.054 and c["class"] == "IV", c
assert c["previous_mean"] == 0.075 and c["yoy_pct"] == -28.0, c
assert d["target_class"] == "III" and d["limit"] == 0.05, d
assert d["summary_zh"].endswith("1–4月均达到Ⅲ类"), d["summary_zh"]
PYEOF

"${LW[@]}" --sensor centre-tp --format csv >"$W/r.csv"
check "csv: cumulative row" grep -q '^2026-01..2026-05,0.054,,,1,IV,0.08,-28.0,0.08,95.0,93.9,$' \
    "$W/r.csv"
check "csv: a header and 5 months" test "$(grep -c '^2026-0[1-5],' \
    "$W/r.csv")" -eq 5

# the same numbers judged by the river table (TP Class III = 0.2)
"$BIN/lakewatch" report -c "$W/river.conf" --year $Y --sensor centre-tp \
    --format json >"$W/river.json"
check "river: 0.054 is Class II, May 0.082 too" "$PY" - "$W/river.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["cumulative"]["class"] == "II", d["cumulative"]
assert [x["class"] for x in d["months"]] == ["II"] * 5, d["months"]
assert d["limit"] == 0.2 and d["water_body"] == "river", d
PYEOF

# issue 12, defect 1: times over (超标倍数) is against Class III whatever
# the target; the target's multiple is reported apart. Target II (0.025):
# 0.054 is (0.054-0.05)/0.05 = 0.08 over III, (0.054-0.025)/0.025 = 1.16
# over II; May 0.082: 0.64 over III, 2.28 over II.
awk '/^\[sensor centre-tp\]/ { s = 1 } /^\[sensor / && !/centre-tp/ { s = 0 }
    s && /^target_class/ { $0 = "target_class = II" } { print }' \
    "$W/lake.conf" >"$W/ii.conf"
LW2=("$BIN/lakewatch" report -c "$W/ii.conf" --year $Y --sensor centre-tp)
"${LW2[@]}" >"$W/ii.out"
check "target II: cumulative 0.08 times over Class III, 1.16 over II" grep -q \
    "Class IV  0.08 times over Class III, 1.16 times over target II" \
    "$W/ii.out"
"${LW2[@]}" --format json >"$W/ii.json"
check "target II json: times_over vs III, target_times_over vs II" \
    "$PY" - "$W/ii.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
c = d["cumulative"]
assert c["times_over"] == 0.08 and c["target_times_over"] == 1.16, c
may = d["months"][4]
assert may["times_over"] == 0.64 and may["target_times_over"] == 2.28, may
jan = d["months"][0]	# 0.048: meets III, (0.048-0.025)/0.025 = 0.92 over II
assert jan["times_over"] == 0 and jan["target_times_over"] == 0.92, jan
PYEOF
"${LW2[@]}" --format csv >"$W/ii.csv"
check "target II csv: times_over 0.08, target_times_over 1.16" grep -q \
    '^2026-01..2026-05,0.054,,,1,IV,0.08,-28.0,1.16,95.0,93.9,$' "$W/ii.csv"

# issue 12, defect 4: with no valid month (month_min_fraction = 1: no
# month has all its days valid) nothing prints nan; the absent mean is
# "–" in text, empty in CSV, null in JSON, with the reason.
sed 's/^timezone = .*/&\nmonth_min_fraction = 1/' "$W/lake.conf" >"$W/strict.conf"
LW3=("$BIN/lakewatch" report -c "$W/strict.conf" --year $Y)
"${LW3[@]}" --sensor centre-tp >"$W/strict.out"
"${LW3[@]}" --sensor centre-tp --format csv >>"$W/strict.out"
"${LW3[@]}" --sensor centre-tp --format json >"$W/strict.json"
"${LW3[@]}" --site 长荡湖湖心 >>"$W/strict.out"
"${LW3[@]}" --site 长荡湖湖心 --format json >>"$W/strict.json"
check "no valid month: no nan/inf in text, CSV, JSON" \
    bash -c '! grep -qiE "nan|inf" "$1" "$2"' _ "$W/strict.out" "$W/strict.json"
check "no valid month: text says why" grep -q "^Jan–May $Y   mean – (no \
valid month: Jan–May have too few valid days)" "$W/strict.out"
check "no valid month: json null with the reason" "$PY" - "$W/strict.json" <<'PYEOF'
import json, sys
d = json.JSONDecoder()
t = open(sys.argv[1], encoding="utf-8").read()
r, end = d.raw_decode(t)
c = r["cumulative"]
assert c["mean"] is None and c["class"] is None, c
assert c["reason"] == "no valid month: Jan–May have too few valid days", c
PYEOF

# issue 12, defect 5: April without data is named, and year on year
# compares only the months valid in both years: 2026 Jan-Mar, May
# (0.048+0.046+0.044+0.082)/4 = 0.055; 2025 the same months
# (0.070+0.072+0.075+0.080)/4 = 0.07425 -> 0.074; -25.7 %.
cp -r "$W/state" "$W/state5"
rm "$W/state5/samples/centre-tp/$Y-04.csv"
sed "s|^state_dir = .*|state_dir = $W/state5|" "$W/lake.conf" >"$W/apr5.conf"
"$BIN/lakewatch" report -c "$W/apr5.conf" --year $Y --sensor centre-tp \
    >"$W/apr5.out"
cat "$W/apr5.out"
check "April invalid: named in the sentence (zh)" grep -qx "长荡湖湖心 \
1–5月总磷均值0.055 mg/L，同比下降26%（按两年均有效的1–3、5月计），Ⅳ类；\
1–3月均达到Ⅲ类；4月有效数据不足，未参与统计" "$W/apr5.out"
check "April invalid: named in the sentence (en)" grep -q "; Apr: too few \
valid data, not counted$" "$W/apr5.out"
check "April invalid: year on year over months valid in both years" grep -q \
    "^year on year: −25.7 % (over Jan–Mar, May: the months valid in both" \
    "$W/apr5.out"
"$BIN/lakewatch" report -c "$W/apr5.conf" --year $Y --sensor centre-tp \
    --format json >"$W/apr5.json"
check "April invalid: json yoy_months" "$PY" - "$W/apr5.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))["cumulative"]
assert c["yoy_months"] == ["2026-01", "2026-02", "2026-03", "2026-05"], c
assert c["yoy_pct"] == -25.7 and c["mean"] == 0.055, c
PYEOF

# issue 12, item 8: capture and validity rates (数据获取率, 有效率) of the
# 4-hourly TP (6 expected a day). January by hand: 31 x 6 = 186 expected;
# 27 ordinary days 6 N rows (162); the 7th 4 N + 2 C (6 obtained, 4
# valid); 3 short days 3 N + 3 B (3 obtained, 3 valid); the extra M/C/D
# rows of the 5th, 10th... are over the day's 6 and do not count.
# Obtained 177 (95.2 %), valid 175 (94.1 %). A month of n days: 6n - 9
# obtained, 6n - 11 valid; Jan-May 151 days: 906, 861 (95.0 %), 851
# (93.9 %).
check "rates: text table" grep -qE \
    "^Jan +186 +177 +175 +95.2 % +94.1 %$" "$W/text.out"
check "rates: text, the period" grep -qE \
    "^Jan–May +906 +861 +851 +95.0 % +93.9 %$" "$W/text.out"
check "rates: csv January" grep -q \
    '^2026-01,0.048,28,31,1,III,0.00,,0.00,95.2,94.1,$' "$W/r.csv"
check "rates: json capture_rate and valid_rate" "$PY" - "$W/r.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
m = d["months"]
assert [x["capture_rate"] for x in m] == [95.2, 94.6, 95.2, 95.0, 95.2], m
assert [x["valid_rate"] for x in m] == [94.1, 93.5, 94.1, 93.9, 94.1], m
assert [x["expected_samples"] for x in m] == [186, 168, 186, 180, 186], m
assert m[0]["obtained_samples"] == 177 and m[0]["valid_samples"] == 175, m
c = d["cumulative"]
assert (c["expected_samples"], c["obtained_samples"],
        c["valid_samples"]) == (906, 861, 851), c
assert c["capture_rate"] == 95.0 and c["valid_rate"] == 93.9, c
PYEOF

"${LW[@]}" --sensor centre-tp --through $Y-04 >"$W/apr.out"
check "--through Jan-Apr: 0.047 Class III" grep -q \
    "^Jan–Apr $Y   mean 0.047 mg/L  Class III" "$W/apr.out"
check "--through Jan-Apr: each met" grep -q "Jan–Apr each met Class III" \
    "$W/apr.out"

"${LW[@]}" --site 长荡湖湖心 >"$W/site.out"
check "--site exits 0" test $? -eq 0
cat "$W/site.out"
check "--site: Class IV decided by TP" grep -q "^site class: IV" "$W/site.out"
check "--site: TN apart, turbidity not assessed" grep -q \
    "总氮单独评价为Ⅲ类" "$W/site.out"
check "--site: turbidity has no class" grep -q \
    "^turbidity .*no class: not assessed" "$W/site.out"
"${LW[@]}" --site 长荡湖湖心 --format json >"$W/site.json"
check "--site json" "$PY" - "$W/site.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["class"] == "IV" and d["tn_class"] == "III", d
p = {x["parameter"]: x for x in d["parameters"]}
assert p["tp"]["assessed"] and not p["tn"]["assessed"], p
assert p["turbidity"]["class"] is None and p["nh3n"]["class"] == "II", p
PYEOF

# issue 12, item 8 and the Contract: each parameter gains capture_rate
# (95.0 % for TP Jan-May, see above), and months[] gives {month, class,
# main_pollutants, parameters} per month: January TP 0.048 (III), NH3-N
# 0.30 (II): Class III, no main pollutant; May TP 0.082 is Class IV,
# (0.082 - 0.05) / 0.05 = 0.64 times over III.
check "--site json: capture_rate and months[]" "$PY" - "$W/site.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
p = {x["parameter"]: x for x in d["parameters"]}
assert p["tp"]["capture_rate"] == 95.0 and p["tp"]["valid_rate"] == 93.9, p
m = d["months"]
assert [x["month"] for x in m] == ["2026-0%d" % i for i in range(1, 6)], m
assert [x["class"] for x in m] == ["III"] * 4 + ["IV"], m
assert m[0]["main_pollutants"] == [], m[0]
assert m[4]["main_pollutants"] == [{"parameter": "tp", "class": "IV",
                                    "times_over": 0.64}], m[4]
for x in m:
    assert set(x) >= {"month", "class", "main_pollutants", "parameters"}, x
q = {x["parameter"]: x for x in m[0]["parameters"]}
assert q["tp"]["mean"] == 0.048 and q["tp"]["class"] == "III", q
assert q["tp"]["capture_rate"] == 95.2 and q["tp"]["valid_rate"] == 94.1, q
assert q["tp"]["previous_mean"] == 0.07 and q["nh3n"]["class"] == "II", q
assert m[1]["parameters"][0]["capture_rate"] == 94.6, m[1]
PYEOF

check "--site json: main_pollutants TP (0.08)" "$PY" - "$W/site.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["main_pollutants"] == [{"parameter": "tp", "class": "IV",
                                 "times_over": 0.08}], d["main_pollutants"]
PYEOF

# issue 12, defect 2: a site with DO 4.20 (Class IV) and CODMn 6.3 (Class
# IV, (6.3-6)/6 = 0.05): both are main pollutants (主要污染指标), CODMn
# with its multiple first, DO without one; the old report named CODMn.
"$PY" - "$W/state" <<'PYEOF'
import os, sys, datetime as dt
for name, v in (("west-do", 4.2), ("west-codmn", 6.3)):
    d = os.path.join(sys.argv[1], "samples", name)
    os.makedirs(d, exist_ok=True)
    t = dt.datetime(2025, 12, 31, 16)
    with open(os.path.join(d, "2026-01.csv"), "w") as fp:
        fp.write("time,value,flag,raw,status\n")
        while t < dt.datetime(2026, 1, 31, 16):
            fp.write("%s,%g,N,,0\n" % (t.strftime("%Y-%m-%dT%H:%M:%SZ"), v))
            t += dt.timedelta(hours=4)
PYEOF
cp "$W/lake.conf" "$W/west.conf"
for s in do codmn; do
	printf '\n[sensor west-%s]\nbus = lake\nunit = 2\nregister = %d\n'\
'parameter = %s\nsite = 西湖\nwater_body = lake\ntarget_class = III\n'\
'interval = 60\ncycle = 4h\n' $s $([ $s = do ] && echo 40 || echo 42) $s \
	    >>"$W/west.conf"
done
"${LW[@]/$W\/lake.conf/$W/west.conf}" --site 西湖 --through $Y-01 \
    >"$W/west.out" 2>&1
cat "$W/west.out"
check "DO 4.20 + CODMn 6.3: both main pollutants" grep -q \
    "主要污染指标：高锰酸盐指数（0.05）、溶解氧" "$W/west.out"
"${LW[@]/$W\/lake.conf/$W/west.conf}" --site 西湖 --through $Y-01 \
    --format json >"$W/west.json"
check "DO 4.20 + CODMn 6.3: json main_pollutants" "$PY" - "$W/west.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["class"] == "IV", d
assert d["main_pollutants"] == [
    {"parameter": "codmn", "class": "IV", "times_over": 0.05},
    {"parameter": "do", "class": "IV", "times_over": None}], d
PYEOF

# issue 12, defect 3: a lab sensor (sampling = manual) with one result in
# January (0.62 mg/L NH3-N on the 15th) and two in February (0.40, 0.50):
# each month has a monthly value, the mean of its results. Continuous
# sampling would call January "1/31 days, too few".
mkdir -p "$W/state/samples/west-nh3n"
printf 'time,value,flag,raw,status\n2026-01-15T02:00:00Z,0.62,N,,0\n' \
    >"$W/state/samples/west-nh3n/2026-01.csv"
printf 'time,value,flag,raw,status\n2026-02-10T02:00:00Z,0.40,N,,0\n%s\n%s\n' \
    2026-02-20T02:00:00Z,0.50,N,,0 2026-02-25T02:00:00Z,9.9,C,,0 \
    >"$W/state/samples/west-nh3n/2026-02.csv"
printf '\n[sensor west-nh3n]\nbus = lake\nunit = 2\nregister = 44\n'\
'parameter = nh3n\nsite = 西湖\ncycle = 24h\nsampling = manual\n' >>"$W/west.conf"
"$BIN/lakewatch" report -c "$W/west.conf" --year $Y --sensor west-nh3n \
    >"$W/lab.out" 2>&1
cat "$W/lab.out"
# NH3-N is assessed at 2 decimals (the 2020 statistics rule, gb3838.c)
check "manual sampling: January valid on one result" grep -qE \
    "^$Y-01 +0.62 +1/31 +III$" "$W/lab.out"
check "manual sampling: February = mean of its results (0.40+0.50)/2" \
    grep -qE "^$Y-02 +0.45 +2/28 +II$" "$W/lab.out"
check "manual sampling: cumulative (0.62+0.45)/2 = 0.535 -> 0.54" grep -q \
    "^Jan–Feb $Y   mean 0.54 mg/L  Class III" "$W/lab.out"
check "manual sampling: rates n/a (no expected count)" grep -q \
    "^capture and validity rates: n/a (sampling = manual: no expected count); \
4 results, 3 valid$" "$W/lab.out"
"$BIN/lakewatch" report -c "$W/west.conf" --year $Y --sensor west-nh3n \
    --format json >"$W/lab.json"
check "manual sampling: json rates null" "$PY" - "$W/lab.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for x in d["months"] + [d["cumulative"]]:
    assert x["capture_rate"] is None and x["valid_rate"] is None, x
    assert x["expected_samples"] is None, x
assert [x["obtained_samples"] for x in d["months"]] == [1, 3], d["months"]
PYEOF

"${LW[@]}" --sensor nosuch >/dev/null 2>&1
check "unknown sensor exits 1" test $? -eq 1
"${LW[@]}" --sensor centre-tp --site x >/dev/null 2>&1
check "--sensor with --site exits 64 (EX_USAGE)" test $? -eq 64
"$BIN/lakewatch" report -c "$W/lake.conf" --sensor centre-tp --year 2019 \
    >/dev/null 2>"$W/empty.err"
check "a year without data exits 1 and says so" grep -q "no valid day in 2019" \
    "$W/empty.err"
"${LW[@]}" --sensor centre-tp --through 2025-03 >/dev/null 2>&1
check "--through in another year exits 64 (EX_USAGE)" test $? -eq 64

if can_valgrind; then
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
	    --error-exitcode=99 "${LW[@]}" --sensor centre-tp --format json \
	    >/dev/null 2>"$W/vg.log"
	check "valgrind: report clean" test $? -eq 0
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
	    --error-exitcode=99 "${LW[@]}" --site 长荡湖湖心 \
	    >/dev/null 2>>"$W/vg.log"
	check "valgrind: report --site clean" test $? -eq 0
	cat "$W/vg.log"
fi
finish
