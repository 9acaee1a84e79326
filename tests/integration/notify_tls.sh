# TLS is verified, always: an https receiver with a self-signed
# certificate for 127.0.0.1 gets events only from the webhook whose
# ca_file trusts it; without ca_file (peer not trusted) and with a host
# name the certificate does not name (host check), nothing is sent and
# the events wait in the outbox.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/notify_lib.sh"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" \
    -out "$W/cert.pem" -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 2>/dev/null || die "openssl req"
cat >"$W/https.py" <<'PY'
import json, ssl, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps({"t": time.time(), "path": self.path,
                                "body": json.loads(raw)}) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[3], sys.argv[4])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever(poll_interval=0.1)
PY
bg https "$PY" "$W/https.py" "$W/tls.port" "$W/tls.jsonl" "$W/cert.pem" \
    "$W/key.pem"
wait_for 10 test -s "$W/tls.port" || die "https receiver did not start"
P=$(head -n 1 "$W/tls.port")
start_sim --tp-steps "0.030:2,0.080:4,0.030"
station "$W/lw.conf"
cat >>"$W/lw.conf" <<CONF
[webhook trusting]
url = https://127.0.0.1:$P/trusting
ca_file = cert.pem
[webhook untrusted]
url = https://127.0.0.1:$P/untrusted
[webhook wronghost]
url = https://localhost:$P/wronghost
ca_file = cert.pem
CONF
# retries after the first failure are logged at debug level
sed -i 's/^interval = 1$/interval = 1\nlog_level = debug/' "$W/lw.conf"
start_daemon "$W/lw.conf"
two() { test "$(grep -c . "$W/tls.jsonl" 2>/dev/null)" -ge 2; }
wait_for 20 two || echo "trusting webhook did not deliver 2 events"
# both refusals logged (the first failure of each is; retries at debug)
told() {
	grep -q "webhook 'untrusted': SSL" "$W/daemon.log" &&
	    grep -q "webhook 'wronghost': SSL" "$W/daemon.log"
}
wait_for 10 told || echo "refusals not logged after 10 s"
sleep 1		# quiet period: a third POST would come now
stop_daemon
check "daemon exits 0" test "$DAEMON_RC" -eq 0
cat "$W/tls.jsonl"
grep -m 4 "webhook '" "$W/daemon.log"
check "only the webhook trusting the CA delivered, both events" \
    test "$(grep -c '"path": "/trusting"' "$W/tls.jsonl")" -eq 2 -a \
    "$(grep -c . "$W/tls.jsonl")" -eq 2
check "peer not trusted without ca_file: retried, events kept" \
    test "$(outbox_n untrusted)" -eq 2
check "host name not in the certificate: retried, events kept" \
    test "$(outbox_n wronghost)" -eq 2
check "daemon says why: untrusted peer" grep -q \
    "webhook 'untrusted': SSL certificate problem: self-signed certificate" \
    "$W/daemon.log"
check "daemon says why: wrong host" grep -q \
    "webhook 'wronghost': SSL: no alternative certificate subject name matches target host name 'localhost'" \
    "$W/daemon.log"
check "a missing ca_file is a config error" sh -c "sed 's/^ca_file = cert.pem/ca_file = nope.pem/' '$W/lw.conf' >'$W/bad.conf'; ! '$BIN/lakewatchd' -t -c '$W/bad.conf' 2>/dev/null"
finish
