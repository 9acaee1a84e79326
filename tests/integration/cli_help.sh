# --help everywhere, to stdout with exit 0; sysexits(3) codes: a usage
# error 64, a config file that is not there 66, a bad config 78. Every
# command of tool/lakewatch.c's table is tried, so a new one is too.
. "$(dirname "$0")/../lib.sh"

cmds=$(sed -n 's/^	{ "\([a-z-]*\)", tool_.*/\1/p' "$TOP/tool/lakewatch.c")
check "the command table read ($(echo $cmds | wc -w) commands)" \
    test "$(echo $cmds | wc -w)" -ge 9

# help_ok WHAT CMD...: exit 0, "usage:" on stdout, nothing on stderr
help_ok() {
	local what=$1 rc
	shift
	"$@" >"$W/out" 2>"$W/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "^usage: " "$W/out" && [ ! -s "$W/err" ]
	then
		ok "$what"
	else
		bad "$what (exit $rc; $(head -n 1 "$W/err"))"
	fi
}
help_ok "lakewatch --help" "$BIN/lakewatch" --help
help_ok "lakewatch -h" "$BIN/lakewatch" -h
help_ok "lakewatch help" "$BIN/lakewatch" help
help_ok "lakewatchd --help" "$BIN/lakewatchd" --help
check "lakewatchd --help names -T" grep -q -- "-T" "$W/out"
for c in $cmds; do
	help_ok "lakewatch $c --help" "$BIN/lakewatch" "$c" --help
	check "lakewatch $c --help: its own synopsis" \
	    grep -q "^usage: lakewatch $c" "$W/out"
	help_ok "lakewatch help $c" "$BIN/lakewatch" help "$c"
	check "lakewatch --help lists $c" \
	    eval '"$BIN/lakewatch" --help | grep -q "^  $c"'
done
help_ok "--help after other options" "$BIN/lakewatch" status -c x.conf --help

# usage_err WHAT CMD...: exit 64, the usage on stderr, nothing on stdout
usage_err() {
	local what=$1 rc
	shift
	"$@" >"$W/out" 2>"$W/err"
	rc=$?
	if [ "$rc" -eq 64 ] && grep -q "usage: " "$W/err" && [ ! -s "$W/out" ]
	then
		ok "$what: exit 64"
	else
		bad "$what: exit 64 (got $rc)"
	fi
}
usage_err "lakewatch alone" "$BIN/lakewatch"
usage_err "an unknown command" "$BIN/lakewatch" nosuch
usage_err "help for an unknown command" "$BIN/lakewatch" help nosuch
usage_err "lakewatchd without -c" "$BIN/lakewatchd"
usage_err "lakewatchd with an unknown option" "$BIN/lakewatchd" -x -c f
for c in $cmds; do
	usage_err "lakewatch $c with an unknown option" \
	    "$BIN/lakewatch" "$c" -Z
done

# a config file that is not there: 66, for each command that reads one
missing=$W/missing.conf
expect() {	# expect CODE WHAT CMD...
	local code=$1 what=$2 rc
	shift 2
	"$@" >/dev/null 2>"$W/err"
	rc=$?
	if [ "$rc" -eq "$code" ]; then ok "$what: exit $code"
	else bad "$what: exit $code (got $rc: $(head -n 1 "$W/err"))"; fi
}
expect 66 "lakewatchd -t, no file" "$BIN/lakewatchd" -t -c "$missing"
expect 66 "lakewatchd, no file" "$BIN/lakewatchd" -c "$missing"
expect 66 "check, no file" "$BIN/lakewatch" check -c "$missing"
expect 66 "status, no file" "$BIN/lakewatch" status -c "$missing"
expect 66 "probe, no file" "$BIN/lakewatch" probe -c "$missing" --bus b
expect 66 "maintenance, no file" "$BIN/lakewatch" maintenance -c "$missing"
expect 66 "report, no file" "$BIN/lakewatch" report -c "$missing" --year 2026 \
    --sensor s
expect 66 "import, no file" "$BIN/lakewatch" import -c "$missing" s x.csv
expect 66 "graph, no file" "$BIN/lakewatch" graph -c "$missing" --sensor s \
    --range 1d -o "$W/g.png"
expect 66 "dashboard, no file" "$BIN/lakewatch" dashboard -c "$missing"
printf '[daemon]\ninterval = soon\n' >"$W/bad.conf"
expect 78 "lakewatchd -t, a bad config" "$BIN/lakewatchd" -t -c "$W/bad.conf"
expect 78 "status, a bad config" "$BIN/lakewatch" status -c "$W/bad.conf"
expect 78 "dashboard, a bad config" "$BIN/lakewatch" dashboard -c "$W/bad.conf"
finish
