# issue 12, item 11: the trophic state (TLI(Σ), 综合营养状态指数) of a
# lake site in `lakewatch report --site`. A year of monthly lab results of
# five parameters (chl-a, TP, TN, transparency sd, CODMn; sampling =
# manual: one result is the month's value) is imported with `lakewatch
# import`; the text and JSON TLI of each month and of the year are
# checked against the figures computed by hand (tests/unit/test_tli.c
# shows the arithmetic), and null with its reason in March, which has no
# chl-a result.
. "$(dirname "$0")/../lib.sh"

Y=2025
not() { ! "$@"; }
cat >"$W/lake.conf" <<EOF
[daemon]
state_dir = $W/state
timezone = Asia/Shanghai

[bus lab]
type = tcp
host = 127.0.0.1
port = 1502
EOF
i=0
for p in chla tp tn sd codmn; do
	cat >>"$W/lake.conf" <<EOF

[sensor lab-$p]
bus = lab
register = $((2 * i))
parameter = $p
site = 西湖湖心
water_body = lake
sampling = manual
EOF
	i=$((i + 1))
done
"$BIN/lakewatch" check -q -c "$W/lake.conf"
check "check accepts parameter = sd" test $? -eq 0

# Jan-Jun the mesotrophic lake of test_five (chl-a 10 ug/L, TP 0.050, TN
# 1.00, SD 1.00 m, CODMn 4.0: TLI 48.0 中营养), Jul-Dec the eutrophic one
# of test_states (50, 0.200, 2.00, 0.30, 8.0: TLI 66.7 中度富营养); no
# chl-a result in March.
"$PY" - "$W" $Y <<'PYEOF'
import os, sys
w, y = sys.argv[1], int(sys.argv[2])
lo = dict(chla=10, tp=0.050, tn=1.00, sd=1.00, codmn=4.0)
hi = dict(chla=50, tp=0.200, tn=2.00, sd=0.30, codmn=8.0)
for p in lo:
    with open(os.path.join(w, p + ".csv"), "w") as f:
        f.write("时间,数值\n")
        for m in range(1, 13):
            if p == "chla" and m == 3:
                continue
            f.write("%d-%02d-15 10:00,%g\n" % (y, m, (lo if m <= 6 else hi)[p]))
PYEOF
for p in chla tp tn sd codmn; do
	"$BIN/lakewatch" import -c "$W/lake.conf" lab-$p "$W/$p.csv" \
	    >"$W/imp-$p.out" 2>&1
	check "import $p exits 0" test $? -eq 0
	cat "$W/imp-$p.out"
done

LW=("$BIN/lakewatch" report -c "$W/lake.conf" --year $Y --site 西湖湖心)
"${LW[@]}" >"$W/text.out" 2>&1
check "report --site exits 0" test $? -eq 0
cat "$W/text.out"
check "January: TLI 48.0 中营养 from all five" grep -qx \
    "  Jan $Y      TLI 48.0 中营养 (chla, tp, tn, sd, codmn)" "$W/text.out"
check "July: TLI 66.7 中度富营养" grep -qx \
    "  Jul $Y      TLI 66.7 中度富营养 (chla, tp, tn, sd, codmn)" \
    "$W/text.out"
check "March: no index without chl-a, and why" grep -qx \
    "  Mar $Y      TLI – (chl-a has no valid mean for the period, and \
chl-a is the method's reference parameter; missing chla)" "$W/text.out"
# The year: the means of the monthly means, rounded as printed: chl-a
# (5 x 10 + 6 x 50) / 11 = 31.818, TP 0.125, TN 1.50, SD 0.65, CODMn 6.0;
# TLI(j) = 62.5759, 60.5899, 61.3986, 59.5372, 48.7687; Σ rij² TLI(j)
# = 62.5759 + 42.7522 + 41.2844 + 41.0152 + 33.5968 = 221.2245;
# / 3.7558 = 58.902 -> 58.9 轻度富营养.
check "the year: TLI 58.9 轻度富营养" grep -qx \
    "  Jan–Dec $Y  TLI 58.9 轻度富营养 (chla, tp, tn, sd, codmn)" \
    "$W/text.out"
check "no nan anywhere" not grep -qi nan "$W/text.out"

"${LW[@]}" --format json >"$W/r.json"
check "json exits 0" test $? -eq 0
check "json tli of the year and of each month" "$PY" - "$W/r.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
t = d["tli"]
assert t == {"value": 58.9, "class": "轻度富营养",
             "class_en": "light eutrophic",
             "parameters_used": ["chla", "tp", "tn", "sd", "codmn"],
             "missing": []}, t
m = d["months"]
assert len(m) == 12, m
for x in m:
    assert set(x) >= {"month", "class", "main_pollutants", "parameters",
                      "tli"}, x
assert [x["tli"]["value"] if x["tli"] else None for x in m] == \
    [48.0, 48.0, None, 48.0, 48.0, 48.0] + [66.7] * 6, m
assert m[0]["tli"]["class"] == "中营养", m[0]
assert m[6]["tli"]["class"] == "中度富营养", m[6]
assert m[2]["tli"] is None and "chl-a" in m[2]["tli_reason"], m[2]
sd = [p for p in d["parameters"] if p["parameter"] == "sd"]
assert sd and sd[0]["mean"] == 0.65 and sd[0]["class"] is None, sd
assert all("ytd" in p for p in d["parameters"]), d["parameters"]
PYEOF
finish
