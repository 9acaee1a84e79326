# The bash completion (etc/lakewatch.bash-completion): subcommands, each
# command's flags, sensor names read from the config given with -c,
# webhook names for test-alert, files after -c; and `make install` puts
# it where bash-completion looks.
. "$(dirname "$0")/../lib.sh"

cat >"$W/lw.conf" <<'CONF'
[daemon]
state_dir = state
[bus station]
type = tcp
host = 127.0.0.1
[sensor centre-tp]
bus = station
  [ sensor   north-nh3n ]   ; a comment
bus = station
[webhook ding]
url = http://127.0.0.1:1/hook
[webhook ops-json]
url = http://127.0.0.1:1/hook
CONF

# comp WORDS...: what completing the last word offers, sorted, one line
comp() {
	bash -c '. "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
if [[ $1 == lakewatchd ]]; then _lakewatchd; else _lakewatch; fi
printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ \
	    "$TOP/etc/lakewatch.bash-completion" "$@"
}

has() {	# has "OFFERED" WORD...: every WORD is offered
	local w
	for w in "${@:2}"; do
		[[ " $1 " == *" $w "* ]] || { echo "missing $w in: $1"; return 1; }
	done
}

check "subcommands" has "$(comp lakewatch '')" check probe status \
    maintenance report import graph dashboard test-alert deadletter help
check "subcommands by prefix" test "$(comp lakewatch te)" = "test-alert "
check "graph's flags" has "$(comp lakewatch graph -c "$W/lw.conf" --)" \
    --sensor --range --width --height --help
check "sensor names from -c's config (also an indented, spaced header)" \
    test "$(comp lakewatch graph -c "$W/lw.conf" --sensor '')" = \
    "centre-tp north-nh3n "
check "sensor names by prefix" \
    test "$(comp lakewatch report -c "$W/lw.conf" --sensor no)" = "north-nh3n "
check "report's station flags" has "$(comp lakewatch report -c "$W/lw.conf" --)" \
    --site --month --day --daily --format
check "report --format offers xlsx" has \
    "$(comp lakewatch report -c "$W/lw.conf" --format '')" text json csv xlsx
check "maintenance offers the sensors" \
    has "$(comp lakewatch maintenance -c "$W/lw.conf" '')" centre-tp north-nh3n on off
check "test-alert: webhook names" \
    test "$(comp lakewatch test-alert -c "$W/lw.conf" --webhook '')" = "ding ops-json "
check "test-alert's flags" has "$(comp lakewatch test-alert -c "$W/lw.conf" -)" \
    -c --webhook
check "deadletter's actions" has "$(comp lakewatch deadletter -c "$W/lw.conf" '')" \
    list show retry drop
check "probe's loop and scan flags" has "$(comp lakewatch probe --)" \
    --loop --scan-units --scan-serial --print-config
check "deadletter retry --to: webhook names" test \
    "$(comp lakewatch deadletter -c "$W/lw.conf" retry all --to '')" = "ding ops-json "
check "check -u: user names" has "$(comp lakewatch check -u ro)" root
check "probe --bus: bus names" test "$(comp lakewatch probe -c "$W/lw.conf" --bus '')" = "station "
check "files after -c" has "$(comp lakewatch status -c "$W/l")" "$W/lw.conf"
check "no config readable: no names, no error" \
    test "$(comp lakewatch graph -c "$W/none.conf" --sensor '' 2>&1)" = " "
check "lakewatchd's flags" has "$(comp lakewatchd -)" -c -t -T -v -V --help
check "every command of lakewatch --help is completed" sh -c '
	for c in $("$1" --help | sed -n "s/^  \([a-z-]*\).*/\1/p"); do
		case " $2 " in *" $c "*) ;; *) echo "no $c"; exit 1;; esac
	done' _ "$BIN/lakewatch" "$(comp lakewatch '')"
make -s -C "$TOP" install DESTDIR="$W/root" PREFIX=/usr SYSCONFDIR=/etc \
    UNITDIR=/lib/systemd/system >"$W/install.log" 2>&1
check "make install puts it in share/bash-completion/completions/lakewatch" \
    cmp "$TOP/etc/lakewatch.bash-completion" \
    "$W/root/usr/share/bash-completion/completions/lakewatch"
check "and lakewatchd finds it under its own name" \
    cmp "$TOP/etc/lakewatch.bash-completion" \
    "$W/root/usr/share/bash-completion/completions/lakewatchd"
finish
