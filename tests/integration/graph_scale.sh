# Graphs that show the data (issue 14 item 5), read back as pixels:
# the y axis runs to max(data, target limit) x 1.2, so a series of
# 0.03..0.06 mg/L fills more than a third of the plot; a range without a
# value in view keeps the target in view (not rrd's 0..1) and says "no
# data" instead of "-nan"; the 7-day graph has short day labels that
# neither run together nor hit the right edge; the year's min-max band
# leaves the class colours visible. Geometry and legends come from
# `lakewatch graph --info` (rrd_graph_v's info, as rrdtool graphv).
. "$(dirname "$0")/../lib.sh"

"$PY" "$TOP/tests/fixtures/gen_year.py" "$W/fx" 2026 \
    --write-conf "$W/lw.conf" || die "fixture generator failed"
sed -i "s#^state_dir = .*#state_dir = $W/state#" "$W/lw.conf"
cat >>"$W/lw.conf" <<'EOF'

[sensor fresh-tp]
bus = lake
register = 20
parameter = tp
site = 长荡湖湖心
water_body = lake
target_class = III
EOF
TZ_CONF=$(sed -n 's/^timezone *= *\([^ ;]*\).*/\1/p' "$W/lw.conf")
# a fixed end (18:00 yesterday, local): label positions do not depend on
# the hour the test runs
DAY=$(TZ=${TZ_CONF:-UTC} date -d yesterday +%Y-%m-%d)
END="$DAY 18:00"
END_S=$(TZ=${TZ_CONF:-UTC} date -d "$END" +%s)

# centre-tp: hourly 0.03..0.06 mg/L (lake TP, Class III limit 0.05) for
# 400 days up to END; fresh-tp: half an hour of minutes before END only
"$PY" - "$W" "$END_S" <<'PYEOF'
import math, sys, time
w, end = sys.argv[1], int(sys.argv[2])
def rows(path, times, val):
    with open(path, "w") as fp:
        fp.write("time,value,flag\n")
        for t in times:
            fp.write("%s,%.4f,N\n" % (time.strftime("%Y-%m-%dT%H:%M:%SZ",
                time.gmtime(t)), val(t)))
rows(w + "/tp.csv", range(end - 400 * 86400, end + 1, 3600),
     lambda t: 0.045 + 0.015 * math.sin(t / 86400.0 * 2 * math.pi))
rows(w + "/fresh.csv", range(end - 1800, end + 1, 60), lambda t: 0.04)
PYEOF
for s in centre-tp:tp fresh-tp:fresh; do
	"$BIN/lakewatch" import -c "$W/lw.conf" "${s%%:*}" "$W/${s#*:}.csv" \
	    >>"$W/import.out" 2>&1 || die "import $s: $(cat "$W/import.out")"
done

# graph SENSOR NAME START [WIDTH]: $W/NAME.png and its info $W/NAME.info
graph() {
	"$BIN/lakewatch" graph -c "$W/lw.conf" --sensor "$1" --start "$3" \
	    --end "$END" --width "${4:-800}" --info -o "$W/$2.png" \
	    >"$W/$2.info" 2>"$W/$2.err"
	check "$2: graph exits 0" test $? -eq 0
	cat "$W/$2.err"
}
ago() { TZ=${TZ_CONF:-UTC} date -d "$DAY -$1 days" +%Y-%m-%d; }

cat >"$W/png.py" <<'PYEOF'
"""png.py PNG INFO CHECK [ARG]: decode an 8-bit RGB(A) PNG (zlib, the five
filters) and check one thing about it; exit 1 with the reason if not."""
import re, struct, sys, zlib

def load(path):
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i, idat = 8, b""
    while i < len(d):
        n, kind = struct.unpack(">I4s", d[i:i + 8])
        body = d[i + 8:i + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        i += 12 + n
    assert depth == 8 and ctype in (2, 6), "PNG type %d/%d" % (depth, ctype)
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, px = zlib.decompress(idat), w * bpp, None, []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(
            raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        prev = prev or bytearray(stride)
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        prev = line
        px.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
    return w, h, px

def info(path):
    kv = {}
    for l in open(path, encoding="utf-8"):
        m = re.match(r'(\S+) = "?(.*?)"?$', l.rstrip("\n"))
        if m:
            kv[m.group(1)] = m.group(2)
    return kv

def hexrgb(s):
    return tuple(int(s[i:i + 2], 16) for i in (1, 3, 5))

png, inf, what = sys.argv[1], info(sys.argv[2]), sys.argv[3]
W, H, px = load(png)
gl, gt = int(inf["graph_left"]), int(inf["graph_top"])
gw, gh = int(inf["graph_width"]), int(inf["graph_height"])
legends = [v for k, v in inf.items() if k.startswith("legend[")]
CURVE, TARGET = hexrgb("#1f4e79"), hexrgb("#c62828")
BANDS = [hexrgb(c) for c in ("#dcebfa", "#cfe3f7", "#dff3dc", "#fdf5c9",
                             "#fde4c8", "#fbd9d5")]

def rows_of(colour):
    return [y for y in range(gt, gt + gh)
            if any(px[y][x] == colour for x in range(gl, gl + gw))]

if what == "curve-third":        # the curve spans > 1/3 of the plot
    r = rows_of(CURVE)
    assert r, "no curve pixels"
    span = max(r) - min(r) + 1
    print("curve rows %d..%d: %d of %d" % (min(r), max(r), span, gh))
    assert span * 3 > gh, "curve spans %d of %d rows" % (span, gh)
elif what == "target-high":      # the target line in the upper half
    r = rows_of(TARGET)
    assert r, "no target line"
    up = (gt + gh - sum(r) / len(r)) / gh
    print("target line at %.2f of the plot height" % up)
    assert up > 0.5, "target line at %.2f of the height" % up
elif what == "no-nan":           # legends: no nan, and "no data" if ARG
    print(legends)
    assert not any("nan" in l.lower() for l in legends), "nan in legend"
    if len(sys.argv) > 4:
        assert any(sys.argv[4] in l for l in legends), "no '%s'" % sys.argv[4]
elif what == "xlabels":          # day labels apart, short, not cut
    dark = [x for x in range(W) if any(sum(px[y][x]) < 300
            for y in range(gt + gh + 4, min(gt + gh + 16, H)))]
    runs = []
    for x in dark:
        if runs and x - runs[-1][1] < 15:
            runs[-1][1] = x
        else:
            runs.append([x, x])
    print("x labels at", runs)
    assert 4 <= len(runs) <= 8, "%d labels" % len(runs)
    assert all(b - a < 60 for a, b in runs), "a label runs into the next"
    assert runs[-1][1] < W - 2, "the last label is cut at the right edge"
elif what == "bands-visible":    # class colours show under min-max
    plot = [px[y][x] for y in range(gt + 1, gt + gh - 1)
            for x in range(gl + 1, gl + gw - 1)]
    near = sum(1 for p in plot if any(max(abs(p[i] - b[i])
               for i in range(3)) <= 25 for b in BANDS))
    print("class-coloured pixels: %.3f" % (near / len(plot)))
    assert near / len(plot) > float(sys.argv[4]), "band hides the classes"
else:
    sys.exit("unknown check " + what)
PYEOF
look() { check "$1: $2" "$PY" "$W/png.py" "$W/$1.png" "$W/$1.info" \
    "${@:2}"; }

for r in 1:day 7:week 30:month 365:year; do
	graph centre-tp "tp-${r#*:}" "$(ago "${r%%:*}") 18:00"
	look "tp-${r#*:}" no-nan
done
for r in day week month; do
	look "tp-$r" curve-third
done
look tp-year bands-visible 0.85
mkdir -p "$TOP/tests/out"
cp "$W/tp-week.png" "$TOP/tests/out/graph-week.png"
cp "$W/tp-year.png" "$TOP/tests/out/graph-year.png"

# the dashboard's 600 pixels and the default 800
graph centre-tp tp-week600 "$(ago 7) 18:00" 600
look tp-week600 xlabels
look tp-week xlabels

# half an hour of data: the year has no daily value yet
graph fresh-tp fresh-year "$(ago 365) 18:00"
look fresh-year no-nan "no data"
look fresh-year target-high
graph fresh-tp fresh-day "$(ago 1) 18:00"
look fresh-day no-nan
finish
