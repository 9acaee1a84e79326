# `lakewatch import` of what Excel and WPS write (issue 14, item 12): GBK
# (WPS, Chinese locale), UTF-8 with a BOM (Excel "CSV UTF-8"), quoted
# fields with a comma and a line break inside, semicolons with decimal
# commas, Chinese headers, '2026/5/1 8:00' in the station's zone and a
# unit column in μg/L. The rows land in the sample log at the right UTC
# times and in mg/L; a bad GBK byte and an unknown unit are named by
# file:line and nothing is written.
. "$(dirname "$0")/../lib.sh"

LW="$BIN/lakewatch"
lab_conf "$W/lw.conf"
cat >>"$W/lw.conf" <<EOC
[sensor centre-tp]
bus = b
register = 0
parameter = tp
EOC
LOG="$W/state/samples/centre-tp/2026-05.csv"

"$PY" - "$W" <<'PYEOF'
import codecs, sys
w = sys.argv[1]
# WPS: GBK, CR LF, a note with a comma (quoted), μg/L
with codecs.open(w + "/gbk.csv", "w", encoding="gbk") as f:
    f.write("时间,总磷,单位,备注\r\n"
            "2026/5/1 8:00,35,μg/L,\"湖心, 表层\"\r\n"
            "2026/5/1 9:00,0.041,mg/L,\r\n")
# Excel "CSV UTF-8" in a decimal-comma locale: BOM, ';', 0,05
with open(w + "/bom.csv", "w", encoding="utf-8-sig") as f:
    f.write("时间;数值;数据标识\n"
            "2026-05-02 08:00;0,05;N\n"
            "2026/5/2 9:30;0,06;M\n")
# RFC 4180: "" inside quotes, a line break inside a quoted note
with open(w + "/quoted.csv", "w", encoding="utf-8") as f:
    f.write('time,value,flag,note\n'
            '2026-05-03 08:00,0.052,N,"bottle 3, ""clear"""\n'
            '"2026/5/3 10:00","0.048",,"two\nlines"\n')
# ug/L in the unit column; flag column 标志
with open(w + "/ug.csv", "w", encoding="utf-8") as f:
    f.write("日期时间,数值,单位,标志\n2026/5/4 8:00,61,ug/L,N\n")
# bad: a GBK file with a cut double-byte character on line 3
with open(w + "/badgbk.csv", "wb") as f:
    f.write("时间,总磷\n2026/5/5 8:00,0.05\n".encode("gbk") +
            b"2026/5/5 9:00,0.05\x81\n")
# bad: an unknown unit on line 3
with open(w + "/badunit.csv", "w", encoding="utf-8") as f:
    f.write("时间,总磷,单位\n2026/5/6 8:00,0.05,mg/L\n"
            "2026/5/6 9:00,0.05,ppm\n")
PYEOF

for f in gbk bom quoted ug; do
	"$LW" import -c "$W/lw.conf" centre-tp "$W/$f.csv" >"$W/$f.out" 2>&1
	check "$f.csv: import exits 0" test $? -eq 0
	cat "$W/$f.out"
done
check "gbk.csv: says it read GB18030" grep -q \
    "gbk.csv: not UTF-8: read as GB18030" "$W/gbk.out"
check "gbk.csv: 2 rows" grep -q "^centre-tp: 2 rows in .*gbk.csv: 2 new" \
    "$W/gbk.out"
want() {	# want UTC-TIME VALUE FLAG: that row is in the sample log
	check "sample log has $1,$2,$3" grep -qx "$1,$2,$3,,0" "$LOG"
}
want 2026-05-01T00:00:00Z 0.035 N	# 35 μg/L at 08:00 +08:00
want 2026-05-01T01:00:00Z 0.041 N
want 2026-05-02T00:00:00Z 0.05 N	# 0,05 with ';'
want 2026-05-02T01:30:00Z 0.06 M
want 2026-05-03T00:00:00Z 0.052 N	# a comma in a quoted note
want 2026-05-03T02:00:00Z 0.048 N	# quoted fields, a quoted line break
want 2026-05-04T00:00:00Z 0.061 N	# 61 ug/L
check "sample log: 7 rows" test "$(($(wc -l <"$LOG") - 1))" -eq 7

sums() { md5sum "$W"/state/samples/centre-tp/*.csv; }
sums >"$W/sums.1"
for f in badgbk badunit; do
	"$LW" import -c "$W/lw.conf" centre-tp "$W/$f.csv" >"$W/$f.out" \
	    2>"$W/$f.err"
	check "$f.csv: exit 1" test $? -eq 1
	cat "$W/$f.err"
	check "$f.csv: nothing imported" grep -q \
	    "$f.csv: 1 bad row: nothing imported" "$W/$f.err"
done
check "badgbk.csv:3 named" grep -q \
    "badgbk.csv:3: bad GB18030 byte sequence" "$W/badgbk.err"
check "badunit.csv:3 named" grep -q \
    "badunit.csv:3: unknown unit 'ppm'" "$W/badunit.err"
sums >"$W/sums.2"
check "bad files: the sample log is unchanged" cmp -s "$W/sums.1" \
    "$W/sums.2"

printf '时间,总磷(μg/L)\n2026/5/7 8:00,30\n' >"$W/dry.csv"
"$LW" import -n -c "$W/lw.conf" centre-tp "$W/dry.csv" >"$W/dry.out" 2>&1
check "-n exits 0" test $? -eq 0
check "-n says 1 row would be appended" grep -q \
    "sample log: 1 row would be appended" "$W/dry.out"
sums >"$W/sums.3"
check "-n wrote nothing" cmp -s "$W/sums.1" "$W/sums.3"
"$LW" import -e GBK -c "$W/lw.conf" centre-tp "$W/gbk.csv" >"$W/e.out" 2>&1
check "-e GBK: the same rows are already there" grep -q \
    ": 0 new, 2 already in the sample log" "$W/e.out"
"$LW" import --encoding nosuch -c "$W/lw.conf" centre-tp "$W/gbk.csv" \
    >/dev/null 2>&1
check "--encoding nosuch exits 64 (EX_USAGE)" test $? -eq 64
finish
