# `lakewatch graph`: PNGs of the requested size for each range, an SVG
# that names the site, explicit --start/--end, usage errors, a sensor
# without an RRD; with rrdcached set, the graph flushes the file first.
# The 30-day PNG is kept as tests/out/graph.png to look at.
. "$(dirname "$0")/../lib.sh"

"$PY" "$TOP/tests/fixtures/gen_year.py" "$W/fx" 2026 \
    --write-conf "$W/lw.conf" || die "fixture generator failed"
sed -i "s#^state_dir = .*#state_dir = $W/state#" "$W/lw.conf"
"$PY" "$TOP/tests/fixtures/gen_recent.py" "$W/tp.csv" 400 0.05
"$BIN/lakewatch" import -c "$W/lw.conf" centre-tp "$W/tp.csv" \
    >"$W/import.out" 2>&1 || die "import failed: $(cat "$W/import.out")"
LW=("$BIN/lakewatch" graph -c "$W/lw.conf" --sensor centre-tp)

# png_size FILE: "WxH" from the IHDR chunk
png_size() {
	"$PY" -c 'import struct, sys
d = open(sys.argv[1], "rb").read(24)
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
print("%dx%d" % struct.unpack(">II", d[16:24]))' "$1"
}

for r in 1d 7d 30d 1y; do
	"${LW[@]}" --range $r -o "$W/g-$r.png" 2>"$W/g-$r.err"
	check "--range $r exits 0" test $? -eq 0
	check "--range $r: an 800x320 PNG" test "$(png_size "$W/g-$r.png")" = \
	    800x320
done
cat "$W"/g-*.err
mkdir -p "$TOP/tests/out"
cp "$W/g-30d.png" "$TOP/tests/out/graph.png"
check "no temporary file left" test ! -e "$W/g-1d.png.tmp"

"${LW[@]}" --range 7d --width 640 --height 240 -o "$W/small.png"
check "--width 640 --height 240: a 640x240 PNG" test \
    "$(png_size "$W/small.png")" = 640x240

"${LW[@]}" --range 30d -o "$W/g.svg"
check "SVG exits 0" test $? -eq 0
check "SVG is SVG" grep -q '<svg' "$W/g.svg"
check "SVG names the site (UTF-8)" grep -q '长荡湖湖心' "$W/g.svg"

S=$(date -u -d '-20 days' +%Y-%m-%d)
E=$(date -u -d '-10 days' +%Y-%m-%d)
"${LW[@]}" --start "$S" --end "$E 12:00" -o "$W/se.png"
check "--start/--end exits 0" test $? -eq 0
"${LW[@]}" --start 2026-05-01T00:00:00Z -o "$W/se2.png"
check "--start alone (RFC 3339) exits 0" test $? -eq 0

"${LW[@]}" --range 2x -o "$W/x.png" 2>/dev/null
check "bad --range exits 64 (EX_USAGE)" test $? -eq 64
"${LW[@]}" --range 7d -o "$W/x.gif" 2>/dev/null
check "-o .gif exits 64 (EX_USAGE)" test $? -eq 64
"${LW[@]}" --range 7d --start 2026-05-01 -o "$W/x.png" 2>/dev/null
check "--range with --start exits 64 (EX_USAGE)" test $? -eq 64
"$BIN/lakewatch" graph -c "$W/lw.conf" --sensor centre-tn -o "$W/tn.png" \
    2>"$W/tn.err"
check "a sensor without RRD exits 1" test $? -eq 1
check "... and says so" grep -q "no data stored yet" "$W/tn.err"
"$BIN/lakewatch" graph -c "$W/lw.conf" --sensor nosuch -o "$W/n.png" \
    2>/dev/null
check "unknown sensor exits 1" test $? -eq 1

if command -v rrdcached >/dev/null; then
	SOCK=$W/rrdcached.sock
	mkdir -p "$W/journal"
	bg rrdcached rrdcached -g -l "unix:$SOCK" -p "$W/rrdcached.pid" \
	    -j "$W/journal" -w 3600 -z 1
	wait_for 10 test -S "$SOCK" || die "rrdcached did not start"
	RRD=$W/state/rrd/centre-tp.rrd
	LAST=$(rrdtool last "$RRD")
	NEXT=$(((LAST / 60 + 1) * 60))
	rrdtool update --daemon "unix:$SOCK" "$RRD" "$NEXT:0.0777"
	check "the update waits in rrdcached" test "$(rrdtool last "$RRD")" = \
	    "$LAST"
	sed "s#^\[daemon\]#[daemon]\nrrdcached = unix:$SOCK#" "$W/lw.conf" \
	    >"$W/cached.conf"
	"$BIN/lakewatch" graph -c "$W/cached.conf" --sensor centre-tp \
	    --range 1d -o "$W/cached.png"
	check "graph with rrdcached exits 0" test $? -eq 0
	check "graph flushed rrdcached first" test "$(rrdtool last "$RRD")" = \
	    "$NEXT"
fi

# unit labels rrd would read as syntax: '%' in the GPRINT format ("%
# sat" is how DO is often given), ':' anywhere in a legend (issue #10)
for u in "% sat" "mg:L"; do
	sed "s#^unit_label = mg/L#unit_label = $u#" "$W/lw.conf" \
	    >"$W/unit.conf"
	"$BIN/lakewatch" check -c "$W/unit.conf" >/dev/null
	check "unit_label '$u' passes check" test $? -eq 0
	"$BIN/lakewatch" graph -c "$W/unit.conf" --sensor centre-tp \
	    --range 7d -o "$W/unit.png" 2>"$W/unit.err"
	check "unit_label '$u': graph exits 0" test $? -eq 0
	cat "$W/unit.err"
	check "unit_label '$u': an 800x320 PNG" test \
	    "$(png_size "$W/unit.png")" = 800x320
	"$BIN/lakewatch" dashboard -c "$W/unit.conf" -o "$W/www" \
	    >"$W/dash.out" 2>&1
	check "unit_label '$u': dashboard draws centre-tp" \
	    test -s "$W/www/centre-tp-week.png"
	check "... with no rrd format error" \
	    test "$(grep -c "format\|Unused Arguments" "$W/dash.out")" -eq 0
	rm -rf "$W/www" "$W/unit.png"
done

if can_valgrind; then
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
	    --suppressions="$TOP/tests/fixtures/librrd.supp" \
	    --error-exitcode=99 "${LW[@]}" --range 30d -o "$W/vg.png" \
	    2>"$W/vg.log"
	check "valgrind: graph clean" test $? -eq 0
	cat "$W/vg.log"
fi
finish
