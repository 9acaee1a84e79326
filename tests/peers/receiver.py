#!/usr/bin/python3
"""receiver.py: a webhook receiver for the lakewatch tests (stdlib only).

usage: receiver.py --port-file FILE --log FILE.jsonl [--secret S]
                   [--mode MODE] [--quiet] [--reply JSON] [--acceptors N]

Listens on 127.0.0.1, port 0 (the bound port is written to --port-file,
atomically). Every POST is appended and flushed to --log as one JSON line:
  {"t": unix time received, "t_done": unix time we answered (or closed),
   "method": "POST", "path": ..., "headers": {lower-case names}, "body":
   parsed JSON or raw text, "status": the HTTP code we answered ("close"
   when we closed without answering), "sig_ok": true/false, null without
   --secret}
Requests are served concurrently, a thread each, with a listen backlog
deep enough for a burst of parallel connections. With --acceptors N
(the benches), N threads started up front each accept a connection and
serve it to its end, so a burst of new connections does not wait for
one thread to be started per connection (that took the accept loop
0.5-2.5 ms a connection on a busy machine: 64 at once arrived over
30-60 ms). A connection kept open holds its thread: N must exceed the
connections a sender keeps.
With --secret, X-Lakewatch-Signature must be
"sha256=" + hex HMAC-SHA256(secret, X-Lakewatch-Timestamp + "." + raw body).
Unless --quiet, one short line per POST goes to stdout.

Modes (--mode, or at run time POST /_control {"mode": "..."}):
  ok        200, body {"ok":true} (or --reply)
  500       500
  503       503 with Retry-After: 2
  400       400
  close     read the request, close the connection without an answer
  slow=MS   sleep MS milliseconds, then answer as ok
  flaky=N   every Nth request (counted from when the mode was set) 500,
            the others as ok
For tests, not logged: POST /_control, GET /_events (the log as a JSON
array), GET /_log (the log as JSON lines). SIGTERM or SIGINT: exit 0.
"""
import argparse
import hashlib
import hmac
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("ok", "500", "503", "400", "close", "slow", "flaky")


def parse_mode(mode):
    """("kind", int argument or None), or ValueError."""
    kind, eq, arg = str(mode).partition("=")
    if kind not in MODES or bool(eq) != (kind in ("slow", "flaky")):
        raise ValueError("unknown mode %r" % (mode,))
    if not eq:
        return kind, None
    n = int(arg)
    if n < (1 if kind == "flaky" else 0):
        raise ValueError("bad mode argument %r" % (mode,))
    return kind, n


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.secret = args.secret
        self.reply = args.reply.encode()
        self.quiet = args.quiet
        self.logpath = args.log
        self.log = open(args.log, "a", encoding="utf-8")
        self.set_mode(args.mode)

    def set_mode(self, mode):
        parsed = parse_mode(mode)
        with self.lock:
            self.mode, self.parsed, self.count = mode, parsed, 0

    def decide(self):
        """The answer for the next POST: ("kind", argument)."""
        with self.lock:
            kind, n = self.parsed
            if kind == "flaky":
                self.count += 1
                return ("500" if self.count % n == 0 else "ok"), None
            return kind, n

    def record(self, entry):
        line = json.dumps(entry, ensure_ascii=False)
        with self.lock:
            self.log.write(line + "\n")
            self.log.flush()
        if not self.quiet:
            print("receiver: " + summary(entry), flush=True)

    def events(self):
        with self.lock:
            with open(self.logpath, encoding="utf-8") as f:
                return [json.loads(x) for x in f if x.strip()]


def summary(e):
    b = e["body"]
    if isinstance(b, dict) and ("status" in b or "event_id" in b):
        words = [b.get("status"), b.get("event_id"), b.get("message")]
        text = " ".join(str(w) for w in words if w is not None)
    else:
        text = "%s %s" % (e["path"], json.dumps(b, ensure_ascii=False)[:80])
    if len(text) > 160:
        text = text[:157] + "..."
    sig = {True: " sig ok", False: " sig BAD", None: ""}[e["sig_ok"]]
    return "%s -> %s%s" % (text, e["status"], sig)


def check_sig(secret, headers, raw):
    if secret is None:
        return None
    ts = headers.get("x-lakewatch-timestamp")
    sig = headers.get("x-lakewatch-signature")
    if ts is None or sig is None:
        return False
    want = hmac.new(secret.encode(), ts.encode() + b"." + raw,
                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(sig.strip().lower(), "sha256=" + want)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lw-receiver/1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def answer(self, code, body=b"", extra=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raw = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return raw
                raw += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        st = self.server.state
        if self.path == "/_events":
            self.answer(200, json.dumps(st.events(), ensure_ascii=False))
        elif self.path == "/_log":
            self.answer(200, "".join(json.dumps(e, ensure_ascii=False) +
                                     "\n" for e in st.events()))
        else:
            self.answer(404, '{"error":"not found"}')

    def control(self, raw):
        st = self.server.state
        try:
            st.set_mode(json.loads(raw)["mode"])
        except (ValueError, KeyError, TypeError) as e:
            self.answer(400, json.dumps({"error": str(e)}))
            return
        self.answer(200, json.dumps({"ok": True, "mode": st.mode}))

    def do_POST(self):
        st = self.server.state
        t = time.time()
        raw = self.read_body()
        if self.path == "/_control":
            self.control(raw)
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        entry = {"t": t, "method": "POST", "path": self.path,
                 "t_done": None, "headers": headers, "body": body,
                 "status": None,
                 "sig_ok": check_sig(st.secret, headers, raw)}
        kind, arg = st.decide()
        if kind == "slow":
            time.sleep(arg / 1000.0)
            kind = "ok"
        entry["t_done"] = time.time()
        if kind == "close":
            entry["status"] = "close"
            st.record(entry)
            self.close_connection = True
            return
        entry["status"] = 200 if kind == "ok" else int(kind)
        st.record(entry)
        if kind == "ok":
            self.answer(200, st.reply)
        elif kind == "503":
            self.answer(503, '{"error":"unavailable"}', [("Retry-After", "2")])
        elif kind == "400":
            self.answer(400, '{"error":"bad request"}')
        else:
            self.answer(500, '{"error":"internal"}')


class Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a sender opening more
    # connections at once (lakewatchd sends up to max_inflight requests
    # in parallel) would see SYNs dropped and retried a second later
    request_queue_size = 128
    daemon_threads = True

    def serve_acceptors(self, n, stop):
        """Serve with N threads blocked in accept() until STOP is set."""
        for _ in range(n):
            threading.Thread(target=self.accept_loop, daemon=True).start()
        stop.wait()

    def accept_loop(self):
        while True:
            try:
                req, addr = self.get_request()
            except OSError:
                return
            try:
                self.finish_request(req, addr)
            except Exception:
                self.handle_error(req, addr)
            finally:
                self.shutdown_request(req)


def write_atomic(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="lakewatch test webhook receiver")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--secret")
    ap.add_argument("--mode", default="ok")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--reply", default='{"ok":true}')
    ap.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--acceptors", type=int, default=0)
    args = ap.parse_args()
    try:
        parse_mode(args.mode)
    except ValueError as e:
        ap.error(str(e))
    sys.stdout.reconfigure(encoding="utf-8", errors="replace")

    srv = Server(("127.0.0.1", args.port), Handler)
    srv.state = State(args)
    stopped = threading.Event()

    def stop(signum, frame):
        if args.acceptors > 0:
            stopped.set()
        else:
            threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    write_atomic(args.port_file, "%d\n" % srv.server_address[1])
    if not args.quiet:
        print("receiver: listening on 127.0.0.1:%d" % srv.server_address[1],
              flush=True)
    if args.acceptors > 0:
        srv.serve_acceptors(args.acceptors, stopped)
    else:
        srv.serve_forever(poll_interval=0.2)
    srv.server_close()
    srv.state.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
