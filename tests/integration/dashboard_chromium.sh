# `lakewatch dashboard`: index.html + graphs under www_dir for two sites
# (UTF-8 names), opened in headless Chromium (flags of TESTING.md 6): the
# rendered DOM names every site and sensor, every <img> it shows exists
# on disk, a sensor without an RRD gets a placeholder instead of a broken
# image. The screenshot is kept as tests/out/dashboard.png. Also: the
# systemd units of the timer pass tests/check-units.sh.
. "$(dirname "$0")/../lib.sh"

not_grep() { ! grep -q "$@"; }
CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
    die "chromium is not installed (make deps)"
"$PY" "$TOP/tests/fixtures/gen_year.py" "$W/fx" 2026 \
    --write-conf "$W/lw.conf" || die "fixture generator failed"
sed -i "s#^state_dir = .*#state_dir = $W/state#" "$W/lw.conf"
cat >>"$W/lw.conf" <<'EOF'

[sensor outlet-tp]
bus = lake
register = 20
parameter = tp
site = 长荡湖出湖河道
water_body = river
target_class = III
cycle = 4h
EOF
for s in centre-tp:0.05 centre-tn:0.9 outlet-tp:0.12; do
	"$PY" "$TOP/tests/fixtures/gen_recent.py" "$W/${s%%:*}.csv" 400 \
	    "${s#*:}" "${#s}"
	"$BIN/lakewatch" import -c "$W/lw.conf" "${s%%:*}" "$W/${s%%:*}.csv" \
	    >>"$W/import.out" 2>&1 || die "import ${s%%:*} failed"
done
cat >"$W/state/status.json" <<EOF
{"version": "test", "pid": 1, "config": "lw.conf", "started": 0,
 "now": $(date +%s), "buses": [], "sensors": [
 {"name": "centre-tp", "site": "长荡湖湖心", "parameter": "tp",
  "value": 0.054, "unit": "mg/L", "flag": "N",
  "time": "$(date -u +%Y-%m-%dT%H:00:00Z)", "alert_firing": true},
 {"name": "centre-tn", "site": "长荡湖湖心", "parameter": "tn",
  "value": 0.91, "unit": "mg/L", "flag": "M",
  "time": "$(date -u +%Y-%m-%dT%H:00:00Z)", "alert_firing": false},
 {"name": "outlet-tp", "site": "长荡湖出湖河道", "parameter": "tp",
  "value": 0.12, "unit": "mg/L", "flag": "N",
  "time": "$(date -u +%Y-%m-%dT%H:00:00Z)", "alert_firing": false}]}
EOF

start=$(date +%s%N)
"$BIN/lakewatch" dashboard -c "$W/lw.conf" >"$W/dash.out" 2>&1
check "dashboard exits 0" test $? -eq 0
ms=$((($(date +%s%N) - start) / 1000000))
cat "$W/dash.out"
echo "dashboard took $ms ms"
check "dashboard takes under 10 s" test "$ms" -lt 10000
WWW=$W/state/www
check "index.html under www_dir (<state_dir>/www)" test -s "$WWW/index.html"
check "12 graphs written" grep -q "5 sensors, 12 graphs" "$W/dash.out"
check "the page reloads itself" grep -q \
    '<meta http-equiv="refresh" content="300">' "$WWW/index.html"
check "no JavaScript" not_grep '<script' "$WWW/index.html"

chrome() {
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$(mktemp -d "$W/chrome.XXXXXX")" \
	    --window-size=1280,900 "$@" "file://$WWW/index.html"
}
chrome --dump-dom >"$W/dom.html" 2>"$W/chrome-dom.err"
check "chromium --dump-dom exits 0" test $? -eq 0
for s in 长荡湖湖心 长荡湖出湖河道 centre-tp centre-tn centre-nh3n outlet-tp; do
	check "the page shows $s" grep -q "$s" "$W/dom.html"
done
check "every <img> exists on disk; 12 of them" "$PY" - "$W/dom.html" \
    "$WWW" <<'PYEOF'
import html.parser, os, sys
class P(html.parser.HTMLParser):
    srcs = []
    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.srcs.append(dict(attrs)["src"])
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
assert len(p.srcs) == 12, p.srcs
for s in p.srcs:
    path = os.path.join(sys.argv[2], s.split("?")[0])
    assert os.path.getsize(path) > 1000, path
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n", path
PYEOF
check "placeholder for a sensor without RRD" grep -q "no data stored yet" \
    "$W/dom.html"
check "the firing alert is shown" grep -q "ALERT firing" "$W/dom.html"
check "class chips (Class IV now for TP 0.054 in a lake)" grep -q \
    'chip c4' "$W/dom.html"
check "flag M shown as maintenance" grep -q "maintenance" "$W/dom.html"

mkdir -p "$TOP/tests/out"
rm -f "$TOP/tests/out/dashboard.png"
(cd "$W" && chrome --screenshot="$TOP/tests/out/dashboard.png") \
    >"$W/chrome-shot.err" 2>&1
check "screenshot written" test -s "$TOP/tests/out/dashboard.png"
check "screenshot is a 1280x900 PNG" "$PY" -c 'import struct, sys
d = open(sys.argv[1], "rb").read(24)
assert d[:8] == b"\x89PNG\r\n\x1a\n"
assert struct.unpack(">II", d[16:24]) == (1280, 900)' \
    "$TOP/tests/out/dashboard.png"

# a second run replaces the files in place; no temporary files remain
"$BIN/lakewatch" dashboard -c "$W/lw.conf" >/dev/null 2>&1
check "second run exits 0" test $? -eq 0
check "no temporary files left" test -z "$(find "$WWW" -name '*.tmp')"
rm "$W/state/status.json"
"$BIN/lakewatch" dashboard -c "$W/lw.conf" >/dev/null 2>&1
check "without status.json still exits 0" test $? -eq 0
check "... and says the values are not current" grep -q \
    "status.json missing" "$WWW/index.html"

if command -v systemd-analyze >/dev/null; then
	check "dashboard service: check-units 15" "$TOP/tests/check-units.sh" \
	    15 "$TOP/systemd/lakewatch-dashboard.service"
	mkdir -p "$W/units"
	cp "$TOP/systemd/lakewatch-dashboard.timer" "$W/units/"
	sed -E 's#^ExecStart=[^ ]+#ExecStart=/bin/true#' \
	    "$TOP/systemd/lakewatch-dashboard.service" \
	    >"$W/units/lakewatch-dashboard.service"
	out=$(cd "$W/units" && MANPATH=$TOP/man systemd-analyze verify \
	    lakewatch-dashboard.timer 2>&1)
	check "dashboard timer: verify prints nothing" test -z "$out"
fi
finish
