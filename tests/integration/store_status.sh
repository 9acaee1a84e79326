# The store in status.json and `lakewatch status`: backend, up/down,
# values pending and dropped; and a full buffer logged once an episode:
# rrdcached killed until the buffer (store_buffer = 1000, the least)
# overflows, back until it is written out, killed again: "buffer full"
# twice. 100 sensors on the simulator's one register fill it in ~10 s.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/store_lib.sh"

start_sim
rrdc_start
{
	printf '[daemon]\nstate_dir = state\ninterval = 1\nstore_batch = 0\n'
	printf 'store_buffer = 1000\nrrdcached = unix:%s\n' "$RRDC_SOCK"
	printf '[bus station]\ntype = tcp\nhost = 127.0.0.1\nport = %s\n' \
	    "$SIM_PORT"
	printf 'timeout = 500ms\n'
	for i in $(seq -w 1 100); do
		printf '[sensor tp%s]\nbus = station\nunit = 1\n' "$i"
		printf 'register = 0\nword_order = cdab\n'
	done
} >"$W/lw.conf"
lwd_start daemon "$W/lw.conf"
ST=$W/state/status.json

# jq-less: store field K of status.json equals V (python repr)
store_is() {
	"$PY" -c 'import json, sys
s = json.load(open(sys.argv[1])).get("store", {})
sys.exit(0 if repr(s.get(sys.argv[2])) == sys.argv[3] else 1)' "$ST" "$@"
}
store_ge() {
	"$PY" -c 'import json, sys
s = json.load(open(sys.argv[1])).get("store", {})
sys.exit(0 if s.get(sys.argv[2], -1) >= int(sys.argv[3]) else 1)' "$ST" "$@"
}
full_logged() { test "$(grep -c 'buffer full' "$W/daemon.log")" -ge "$1"; }

wait_for 20 store_ge written 100 || die "nothing written in 20 s"
check "status.json: store backend rrdcached, up" \
    store_is backend "'rrdcached'"
check "status.json: store up" store_is up True
"$BIN/lakewatch" status -c "$W/lw.conf" >"$W/status1.txt"
grep "RRD store" "$W/status1.txt"
check "lakewatch status: the store line" \
    grep -q '^RRD store: rrdcached, up; .* 0 dropped' "$W/status1.txt"

rrdc_kill
check "status.json: store down with rrdcached killed" wait_for 10 \
    store_is up False
check "status.json: values pending while down" wait_for 10 \
    store_ge pending 200
check "a full buffer drops values, counted" wait_for 40 store_ge dropped 1
"$BIN/lakewatch" status -c "$W/lw.conf" >"$W/status2.txt"
grep 'RRD store' "$W/status2.txt"
check "lakewatch status: store DOWN, values pending" \
    grep -q '^RRD store: rrdcached, DOWN; [1-9][0-9]* values waiting' \
    "$W/status2.txt"
check "first episode logged" full_logged 1

rrdc_start
check "rrdcached back: the buffer is written out" wait_for 30 \
    grep -q 'buffer has room again' "$W/daemon.log"
check "status.json: store up again" wait_for 10 store_is up True
rrdc_kill
check "second episode logged again" wait_for 40 full_logged 2
stop_daemon
grep -E 'store:' "$W/daemon.log"
check "one line per episode, not per value" \
    test "$(grep -c 'buffer full' "$W/daemon.log")" -eq 2
finish
