# Station reports (issue 12, item 9): a two-year, four-parameter lake
# site imported with `lakewatch import` (TP, CODMn, DO 4-hourly; NH3-N
# lab-monthly, sampling = manual), reported for a day, a month and the
# period as text, CSV, JSON and XLSX, with --daily; the workbook is read
# with python3-openpyxl, not our code.
#
# The figures by hand (GB 3838-2002, lake): 2025 Jan-Apr TP 0.040, CODMn
# 4.0, DO 7.5, NH3-N 0.30 (one result on the 15th); May TP 0.082 (Class
# IV, (0.082-0.05)/0.05 = 0.64 times over III), CODMn 6.3 (IV, (6.3-6)/6
# = 0.05), DO 4.2 (IV, no multiple), NH3-N 0.62 (III). May is Class IV,
# main pollutants (主要污染指标, the 2011 method: worst class first, ties
# by times over, DO without a multiple): TP (0.64), CODMn (0.05), DO.
# 3 May has 3 of its 6 TP samples (a day needs 4): TP has no mean that
# day, and May's TP capture rate is (186 - 3) / 186 = 98.4 %.
# Jan-May: TP (4 x 0.040 + 0.082) / 5 = 0.0484 -> 0.048 (III), CODMn
# 4.46 -> 4.5 (III), DO 6.84 -> 6.8 (II), NH3-N 0.364 -> 0.36 (II): the
# site is Class III, no main pollutant.
. "$(dirname "$0")/../lib.sh"

Y=2025
SITE=东湖湖心
lab_conf "$W/lw.conf"
cat >>"$W/lw.conf" <<EOC
[sensor dh-tp]
bus = b
register = 0
parameter = tp
site = $SITE
water_body = lake
cycle = 4h
[sensor dh-codmn]
bus = b
register = 2
parameter = codmn
site = $SITE
water_body = lake
cycle = 4h
[sensor dh-do]
bus = b
register = 4
parameter = do
site = $SITE
water_body = lake
cycle = 4h
[sensor dh-nh3n]
bus = b
register = 6
parameter = nh3n
site = $SITE
water_body = lake
cycle = 24h
sampling = manual
EOC

# local times (the station's zone): 02:00, 06:00 ... 22:00 of each day
"$PY" - "$W" $Y <<'PYEOF'
import datetime as dt, sys
w, y = sys.argv[1], int(sys.argv[2])
may = {"tp": 0.082, "codmn": 6.3, "do": 4.2}
usual = {"tp": 0.040, "codmn": 4.0, "do": 7.5}
prev = {"tp": 0.060, "codmn": 4.5, "do": 7.0}
for p in ("tp", "codmn", "do"):
    with open("%s/%s.csv" % (w, p), "w") as f:
        f.write("time,value,flag\n")
        d = dt.date(y - 1, 1, 1)
        while d < dt.date(y + 1, 1, 1):
            v = prev[p] if d.year < y else may[p] if d.month == 5 \
                else usual[p]
            for h in range(2, 24, 4):
                if p == "tp" and d == dt.date(y, 5, 3) and h > 10:
                    continue	# 3 of 6: the day is not valid
                f.write("%s %02d:00,%g,N\n" % (d.isoformat(), h, v))
            d += dt.timedelta(days=1)
with open(w + "/nh3n.csv", "w") as f:	# the lab: one result a month
    f.write("time,value,flag\n")
    for yy in (y - 1, y):
        for m in range(1, 13):
            v = 0.62 if (yy, m) == (y, 5) else 0.30
            f.write("%d-%02d-15 09:30,%g,N\n" % (yy, m, v))
PYEOF
for p in tp codmn do nh3n; do
	"$BIN/lakewatch" import -c "$W/lw.conf" dh-$p "$W/$p.csv" \
	    >"$W/imp-$p.out" 2>&1
	check "import dh-$p exits 0" test $? -eq 0
done

LW=("$BIN/lakewatch" report -c "$W/lw.conf" --site $SITE)

# ---- a month (月报) ---------------------------------------------------
"${LW[@]}" --month $Y-05 >"$W/month.txt" 2>&1
check "month text exits 0" test $? -eq 0
cat "$W/month.txt"
check "month text: title" grep -q "^$SITE  水质月报 ${Y}年5月" "$W/month.txt"
check "month text: TP 0.082 IV 0.64, capture 98.4 %" grep -qE \
    "^TP +dh-tp +0\.082 mg/L +IV +0\.64 +98\.4 % +98\.4 %" "$W/month.txt"
check "month text: DO 4.2 IV without a multiple" grep -qE \
    "^DO +dh-do +4\.2 mg/L +IV +– +100\.0 % +100\.0 %  no times over" \
    "$W/month.txt"
check "month text: NH3-N 0.62 III, rates n/a (manual)" grep -qE \
    "^NH3-N +dh-nh3n +0\.62 mg/L +III +0\.00 +n/a +n/a" "$W/month.txt"
check "month text: site class IV" grep -q \
    "^site class (单因子评价): IV (decided by TP, CODMn, DO)" "$W/month.txt"
check "month text: main pollutants" grep -q "^main pollutants (主要污染指标): \
TP (0.64), CODMn (0.05), DO$" "$W/month.txt"
check "month text: the TN note of lakes" grep -q \
    "TN of lakes is assessed separately; this site does not measure TN" \
    "$W/month.txt"
check "month text: the sentence" grep -qx "$SITE ${Y}年5月水质Ⅳ类（单因子评价\
），主要污染指标：总磷（0.64）、高锰酸盐指数（0.05）、溶解氧；湖库总氮单独评价，本站\
未监测总氮" "$W/month.txt"

"${LW[@]}" --month $Y-05 --format csv >"$W/month.csv"
check "month csv: TP row" grep -qx \
    "$Y-05,tp,dh-tp,0.082,mg/L,IV,0.64,0.64,98.4,98.4,1,\"\"" "$W/month.csv"
check "month csv: NH3-N row, rates empty (manual)" grep -qx \
    "$Y-05,nh3n,dh-nh3n,0.62,mg/L,III,0.00,0.00,,,1,\"manual sampling: \
rates n/a\"" "$W/month.csv"
check "month csv: the site row" grep -qx "$Y-05,site,,,,IV,,,,,,\"main \
pollutants: TP (0.64), CODMn (0.05), DO; TN of lakes is assessed \
separately; this site does not measure TN\"" "$W/month.csv"
check "month csv: 12 columns in every row" awk -F, \
    'NR > 1 && $0 !~ /"/ && NF != 12 { exit 1 }' "$W/month.csv"

"${LW[@]}" --month $Y-05 --format json >"$W/month.json"
check "month json" "$PY" - "$W/month.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["span"] == "month" and d["month"] == "2025-05", d
assert d["class"] == "IV" and d["tn_class"] is None, d
assert d["main_pollutants"] == [
    {"parameter": "tp", "class": "IV", "times_over": 0.64},
    {"parameter": "codmn", "class": "IV", "times_over": 0.05},
    {"parameter": "do", "class": "IV", "times_over": None}], d
p = {x["parameter"]: x for x in d["parameters"]}
assert p["tp"]["mean"] == 0.082 and p["tp"]["capture_rate"] == 98.4, p
assert p["tp"]["expected_samples"] == 186, p
assert p["tp"]["obtained_samples"] == 183, p
assert p["do"]["times_over"] is None and p["do"]["mean"] == 4.2, p
assert p["nh3n"]["capture_rate"] is None and p["nh3n"]["class"] == "III", p
assert "site does not measure TN" in d["tn_note"], d
PYEOF

# ---- a day (日报) ------------------------------------------------------
"${LW[@]}" --day $Y-05-03 >"$W/day.txt" 2>&1
check "day text exits 0" test $? -eq 0
cat "$W/day.txt"
check "day text: TP absent, with the reason" grep -qE "^TP +dh-tp +– +mg/L \
+- +– +50\.0 % +50\.0 %  too few valid samples \(3 of 6, need 4\)$" \
    "$W/day.txt"
check "day text: NH3-N absent (no lab result that day)" grep -qE \
    "^NH3-N .*no result that day; manual sampling: rates n/a$" "$W/day.txt"
check "day text: CODMn, DO decide Class IV" grep -q \
    "^site class (单因子评价): IV (decided by CODMn, DO)" "$W/day.txt"
"${LW[@]}" --day $Y-05-15 --format json >"$W/day.json"
check "day json: the lab result of the 15th" "$PY" - "$W/day.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["span"] == "day" and d["date"] == "2025-05-15", d
p = {x["parameter"]: x for x in d["parameters"]}
assert p["nh3n"]["mean"] == 0.62 and p["nh3n"]["class"] == "III", p
assert p["tp"]["mean"] == 0.082 and p["tp"]["capture_rate"] == 100.0, p
assert [x["parameter"] for x in d["main_pollutants"]] == \
    ["tp", "codmn", "do"], d
PYEOF
"${LW[@]}" --day $Y-05-03 --format csv >"$W/day.csv"
check "day csv: TP empty with the reason" grep -qx "$Y-05-03,tp,dh-tp,,mg/L,\
,,,50.0,50.0,0,\"too few valid samples (3 of 6, need 4)\"" "$W/day.csv"

# ---- the period -----------------------------------------------------------
"${LW[@]}" --year $Y --through $Y-05 --format csv >"$W/period.csv"
check "period csv: TP 0.048 III" grep -qx \
    "$Y-01..$Y-05,tp,dh-tp,0.048,mg/L,III,0.00,0.00,99.7,99.7,1,\"\"" \
    "$W/period.csv"
check "period csv: site III, no main pollutant" grep -q \
    "^$Y-01..$Y-05,site,,,,III,,,,,,\"main pollutants: none;" \
    "$W/period.csv"
"${LW[@]}" --year $Y --through $Y-05 >"$W/period.txt"
check "period text: site class III" grep -q "^site class: III" \
    "$W/period.txt"
check "period text: the TN note of lakes" grep -qx "TN of lakes is assessed \
separately; this site does not measure TN" "$W/period.txt"
check "period text: the capture rate column" grep -qE \
    "^TP +dh-tp +0\.048 .* 99\.7 %" "$W/period.txt"

# ---- --daily -----------------------------------------------------------
"${LW[@]}" --month $Y-05 --daily --format csv >"$W/daily.csv"
check "daily csv: 31 days x 4 parameters" test \
    "$(grep -c "^$Y-05-" "$W/daily.csv")" -eq 124
check "daily csv: 3 May TP without a mean" grep -qx "$Y-05-03,tp,dh-tp,,mg/L,\
,3,6,50.0,50.0,\"too few valid samples (need 4)\"" "$W/daily.csv"
check "daily csv: the lab result of the 15th" grep -qx \
    "$Y-05-15,nh3n,dh-nh3n,0.62,mg/L,III,1,,,,\"\"" "$W/daily.csv"
"${LW[@]}" --month $Y-05 --daily >"$W/daily.txt"
check "daily text: a row per day and parameter" test \
    "$(grep -c "^$Y-05-[0-3][0-9]  " "$W/daily.txt")" -eq 124
"${LW[@]}" --year $Y --through $Y-02 --daily --format json >"$W/pdaily.json"
check "daily json of the period: 59 days, months[] kept" "$PY" - \
    "$W/pdaily.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert len(d["daily"]) == 59 * 4, len(d["daily"])
assert [x["month"] for x in d["months"]] == ["2025-01", "2025-02"], d
x = d["daily"][0]
assert x["date"] == "2025-01-01" and x["parameter"] == "tp", x
assert x["mean"] == 0.04 and x["capture_rate"] == 100.0, x
n = [x for x in d["daily"] if x["parameter"] == "nh3n"]
assert sum(x["mean"] is not None for x in n) == 2, n
assert n[0]["reason"] == "no result (manual)", n[0]
assert d["tn_note"].endswith("this site does not measure TN"), d
PYEOF

# ---- XLSX ----------------------------------------------------------------
"${LW[@]}" --month $Y-05 --daily --format xlsx -o "$W/month.xlsx"
check "xlsx -o exits 0" test $? -eq 0
"${LW[@]}" --day $Y-05-03 --format xlsx >"$W/day.xlsx"
check "xlsx into a pipe or file exits 0" test $? -eq 0
check "xlsx read by openpyxl" "$PY" - "$W/month.xlsx" "$W/day.xlsx" \
    <<'PYEOF'
import datetime, openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["月报", "日均值"], wb.sheetnames
ws = wb["月报"]
assert ws["A1"].value == "东湖湖心 水质月报（2025年5月）", ws["A1"].value
head = [c.value for c in ws[4]]
assert head[:7] == ["监测项目", "项目代码", "测点", "均值", "单位",
                    "水质类别", "超标倍数"], head
assert "数据获取率(%)" in head and "备注" in head, head
rows = {r[1]: r for r in ws.iter_rows(min_row=5, max_row=8,
                                      values_only=True)}
tp = rows["TP"]
assert tp[0] == "总磷" and tp[3] == 0.082 and tp[5] == "Ⅳ类", tp
assert tp[6] == 0.64 and tp[8] == 98.4, tp
assert ws["D5"].data_type == "n" and ws["D5"].number_format == "0.000"
assert rows["DO"][3] == 4.2 and rows["DO"][6] == "–", rows["DO"]
assert "不计算超标倍数" in rows["DO"][10], rows["DO"]
nh = rows["NH3-N"]
assert nh[3] == 0.62 and nh[8] == "–" and "人工监测" in nh[10], nh
foot = {r[0]: r[1] for r in ws.iter_rows(min_row=9, values_only=True)
        if r[0]}
assert foot["单因子评价水质类别"] == "Ⅳ类", foot
assert foot["主要污染指标"] == "总磷（0.64）、高锰酸盐指数（0.05）、溶解氧", foot
assert foot["总氮"] == "湖库总氮单独评价，本站未监测总氮", foot
dl = wb["日均值"]
assert dl["A3"].value == "日期" and dl["E3"].value == "日均值"
r = [c.value for c in dl[4 + 2 * 4]]	# 3 May, TP
assert r[0] == datetime.datetime(2025, 5, 3) and r[2] == "TP", r
assert r[4] == "–" and r[11] == "有效数据不足（需4个）", r
assert dl.max_row == 3 + 124, dl.max_row
for w in (wb, openpyxl.load_workbook(sys.argv[2])):
    for s in w:
        for row in s.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and "nan" in v.lower()), v
                assert not (isinstance(v, float) and v != v), v
d = openpyxl.load_workbook(sys.argv[2])["日报"]
assert d["A1"].value == "东湖湖心 水质日报（2025年5月3日）", d["A1"].value
t = [c.value for c in d[5]]
assert t[1] == "TP" and t[3] == "–", t
assert t[10] == "有效数据不足（3/6个，需4个）", t
PYEOF
check "no nan in any text, CSV or JSON" bash -c \
    '! grep -qiwE "nan|-nan|inf" "$@"' _ "$W"/*.txt "$W"/*.csv "$W"/*.json

# never a workbook on a terminal
"$PY" - "$W/tty.rc" "${LW[@]}" --month $Y-05 --format xlsx <<'PYEOF'
import os, subprocess, sys
m, s = os.openpty()
rc = subprocess.run(sys.argv[2:], stdout=s, stderr=subprocess.PIPE).returncode
open(sys.argv[1], "w").write("%d\n" % rc)
PYEOF
check "xlsx on a terminal without -o exits 64" test "$(cat "$W/tty.rc")" = 64

"${LW[@]}" --day $Y-02-30 >/dev/null 2>&1
check "--day $Y-02-30 exits 64" test $? -eq 64
"${LW[@]}" --month $Y-05 --through $Y-05 >/dev/null 2>&1
check "--month with --through exits 64" test $? -eq 64
"${LW[@]}" --year 2024 --month $Y-05 >/dev/null 2>&1
check "--year of another year than --month exits 64" test $? -eq 64
"$BIN/lakewatch" report -c "$W/lw.conf" --sensor dh-tp --month $Y-05 \
    >/dev/null 2>&1
check "--sensor --month exits 64 (a site's report)" test $? -eq 64
"${LW[@]}" --day 2099-01-01 >/dev/null 2>"$W/ahead.err"
check "a day to come exits 1 and says so" grep -q "2099-01-01 has not begun" \
    "$W/ahead.err"
finish
