# tests/notify_lib.sh: helpers for the delivery tests (notify_*.sh), on top
# of tests/lib.sh (source that first). Receivers are named: receiver NAME
# logs to $W/NAME.jsonl and listens on the port in $W/NAME.port.
: "${WRAP:=}"

# free_port: a loopback port nobody listens on now (bound 0, closed)
free_port() {
	"$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# recv_start NAME ARGS...: start receiver NAME (extra receiver.py ARGS,
# e.g. --mode 503 or --port N); sets RECV_PID
recv_start() {
	local name=$1
	shift
	rm -f "$W/$name.port"
	bg "recv-$name" "$PY" "$TOP/tests/peers/receiver.py" \
	    --port-file "$W/$name.port" --log "$W/$name.jsonl" "$@"
	RECV_PID=$LAST_PID
	wait_for 10 test -s "$W/$name.port" || die "receiver $name did not start"
}

# recv_url NAME: its URL
recv_url() { echo "http://127.0.0.1:$(head -n 1 "$W/$1.port")/hook"; }

# recv_mode NAME MODE: change its mode at run time
recv_mode() {
	curl -s -o /dev/null -X POST -d "{\"mode\":\"$2\"}" \
	    "http://127.0.0.1:$(head -n 1 "$W/$1.port")/_control"
}

# recv_count NAME [STATUS]: requests NAME logged (with answer STATUS)
recv_count() {
	"$PY" - "$W/$1.jsonl" "${2:-}" <<'PYEOF'
import json, sys
n = 0
try:
    for line in open(sys.argv[1], encoding="utf-8"):
        e = json.loads(line)
        if sys.argv[2] in ("", str(e["status"])):
            n += 1
except FileNotFoundError:
    pass
print(n)
PYEOF
}

# station NAME-OF-CONF STATE-DIR: [daemon], [bus] on $SIM_PORT and the
# centre-tp sensor; the test appends its [webhook] sections
station() {
	cat >"$1" <<CONF
[daemon]
state_dir = ${2:-state}
interval = 1
[bus station]
type = tcp
host = 127.0.0.1
port = $SIM_PORT
timeout = 500ms
[sensor centre-tp]
bus = station
unit = 1
register = 0
word_order = cdab
status_register = 2
site = 长荡湖湖心
CONF
}

# outbox_n WEBHOOK: entries waiting in its outbox
outbox_n() {
	find "$W/state/outbox/$1" -name '*.json' 2>/dev/null | wc -l
}

# recv_has NAME STATUS N: NAME answered STATUS at least N times (for
# wait_for, which must re-count on every try)
recv_has() { test "$(recv_count "$1" "$2")" -ge "$3"; }

# am_pair: two real Alertmanagers peered on loopback
# (--cluster.listen-address, --cluster.peer), each ready; their URLs in
# AM1 and AM2, PIDs in AM1_PID and AM2_PID
am_pair() {
	AM=/usr/bin/prometheus-alertmanager
	[ -x "$AM" ] || die "$AM missing (apt-get install prometheus-alertmanager)"
	cat >"$W/am.yml" <<'YML'
route: {receiver: hook, group_wait: 1s, group_interval: 2s}
receivers: [{name: hook}]
YML
	P1=$(free_port) C1=$(free_port) P2=$(free_port) C2=$(free_port)
	am_start 1 "$P1" "$C1" "$C2"
	AM1_PID=$AM_PID
	am_start 2 "$P2" "$C2" "$C1"
	AM2_PID=$AM_PID
	AM1=http://127.0.0.1:$P1
	AM2=http://127.0.0.1:$P2
	wait_for 15 curl -sf "$AM1/-/ready" || die "am1 not ready"
	wait_for 15 curl -sf "$AM2/-/ready" || die "am2 not ready"
	wait_for 15 peers "$AM2" || echo "am2 does not see two peers"
}

# am_webhook FILE: append [webhook am], posting to both members of am_pair
# (resend = 5s, resolve_timeout = 20s)
am_webhook() {
	cat >>"$1" <<CONF
[webhook am]
url = $AM1/ $AM2
format = alertmanager
resend = 5s
resolve_timeout = 20s
CONF
}

# am_start N WEB CLUSTER PEER: member N; its pid in AM_PID
am_start() {
	bg "am$1" "$AM" --config.file="$W/am.yml" --storage.path="$W/am$1" \
	    --web.listen-address=127.0.0.1:$2 \
	    --cluster.listen-address=127.0.0.1:$3 \
	    --cluster.peer=127.0.0.1:$4
	AM_PID=$LAST_PID
}

peers() {
	curl -sf "$1/api/v2/status" | "$PY" -c 'import json, sys
sys.exit(len(json.load(sys.stdin)["cluster"].get("peers") or []) != 2)'
}

# n_active URL: LakewatchThreshold alerts the member URL shows
n_active() {
	curl -sf "$1/api/v2/alerts?filter=alertname=%22LakewatchThreshold%22" |
	    "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))'
}
