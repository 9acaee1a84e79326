#!/usr/bin/env python3
"""A monitoring platform for tests: takes HJ 212-2017 packets over TCP.

Listens on 127.0.0.1 (port 0 unless --port), writes its port to
--port-file, checks every packet ("##", the four-digit length of the data
segment, the CRC16 of the standard, CR LF), logs each as one JSON line
to --log ({"qn", "cn", "st", "mn", "pw", "flag", "cp": {...}, "ok",
"error"}) and answers CN=9014 with the packet's QN when its Flag asks
for it (bit A). The data uploads (CN=2011, 2051, 2061, 2031) are
checked too: a DataTime of 14 digits, a known flag letter per code, a
number in each -Rtd/-Avg/-Min/-Max, Min <= Avg <= Max, and no value
beside a flag other than N in minute, hour and day data. --profile
hj212 (default), hj212-2025 or hj1404 checks each packet's Flag version
bits (000001 for HJ 212-2017 and the hj1404 profile, 000010 for HJ
212-2025, whose MN is 24 of 0-9 A-F) and answers with them; CN=3020
(hj1404: check results, device state) needs DataTime, PolId and an
i12101-Info of the standard's working states. --sm4-key-file FILE
(hj212-2025; 32 hex digits or 16 characters) enforces HJ 212-2025 6.4:
the CP of each packet with CN 2000-2999, 1014 or 3020 is deciphered
(SM4-ECB, 16-byte blocks, a shorter tail plain) before the CRC, which is
the plain packet's, is checked; such records get "encrypted": true and
"cipher": the hex of the enciphered blocks as received. A station that
sends them plain fails the CRC. Faults: --no-answer, --late S (answer
after S seconds),
--close-mid (once: close the connection after half of a packet).

Commands: with --commands FILE the platform polls FILE and sends each
new line, a JSON object {"cn", "cp", and optionally "qn", "pw", "mn"},
as a request on the newest connection (PW and MN default to those of
the station's last packet, QN to now in Beijing time). Each request sent
is logged as {"sent": true, "qn", "cn", "pw", "mn", "cp": "...", "ok"}.

The CRC is written here from the standard's description (HJ 212-2017
App. A), not taken from the daemon: register 0xFFFF; for each byte, the
register's high byte XOR the byte becomes the register; then 8 times
shift right, XOR 0xA001 when the bit shifted out was 1.
"""
import argparse
import datetime
import json
import socket
import subprocess
import sys
import threading
import time

EXAMPLE = ("QN=20160801085857223;ST=32;CN=1062;PW=100000;"
           "MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&")


def crc16(data: bytes) -> int:
    reg = 0xFFFF
    for b in data:
        reg = (reg >> 8) ^ b
        for _ in range(8):
            out = reg & 1
            reg >>= 1
            if out:
                reg ^= 0xA001
    return reg


assert crc16(EXAMPLE.encode()) == 0x1C80, hex(crc16(EXAMPLE.encode()))
assert len(EXAMPLE) == 101


def parse_segment(seg: str) -> dict:
    """QN=..;ST=..;...;CP=&&a=1,b=2;c=3&& -> dict, cp as a dict."""
    head, sep, cp = seg.partition("CP=&&")
    if not sep or not cp.endswith("&&"):
        raise ValueError("no CP=&&...&&")
    out = {}
    for item in head.rstrip(";").split(";"):
        k, eq, v = item.partition("=")
        if not eq:
            raise ValueError("header item without '=': %r" % item)
        out[k] = v
    fields = {}
    body = cp[:-2]
    for group in body.split(";") if body else []:
        for item in group.split(","):
            k, eq, v = item.partition("=")
            if not eq:
                raise ValueError("CP item without '=': %r" % item)
            fields[k] = v
    out["CP"] = fields
    return out


FLAGS = set("NFMSDCTB")
DATA_CN = ("2011", "2051", "2061", "2031")
VERSION = {"hj212": 1, "hj212-2025": 2, "hj1404": 1}
STATES = {0, 1, 2, 3, 4, 5, 6, 99}     # i12101, HJ 212-2017 App. B


def check_profile(profile: str, rec: dict) -> str:
    """Why the packet REC breaks PROFILE, or ''."""
    flag = int(rec.get("flag") or 0)
    if flag >> 2 != VERSION[profile]:
        return "Flag=%d: version bits %d, %s wants %d" % (
            flag, flag >> 2, profile, VERSION[profile])
    mn = rec.get("mn") or ""
    if profile == "hj212-2025" and (len(mn) != 24 or
                                    any(c not in "0123456789ABCDEF"
                                        for c in mn)):
        return "MN %r is not 24 of 0-9 A-F" % mn
    if rec.get("cn") == "3020":
        cp = rec["cp"]
        dt = cp.get("DataTime", "")
        if len(dt) != 14 or not dt.isdigit() or not cp.get("PolId"):
            return "CN=3020 without DataTime or PolId"
        try:
            if int(cp.get("i12101-Info", "")) not in STATES:
                return "i12101-Info %r" % cp["i12101-Info"]
        except ValueError:
            return "i12101-Info %r" % cp.get("i12101-Info")
        code = cp["PolId"]
        if code + "-Rtd" in cp and cp.get(code + "-Flag") not in FLAGS:
            return "CN=3020: %s-Rtd without a flag" % code
    return ""


def check_data(cn: str, cp: dict) -> str:
    """Why the CP of data upload CN is wrong, or ''."""
    dt = cp.get("DataTime", "")
    if len(dt) != 14 or not dt.isdigit():
        return "DataTime %r" % dt
    try:
        datetime.datetime.strptime(dt, "%Y%m%d%H%M%S")
    except ValueError:
        return "DataTime %r" % dt
    codes = {k.rsplit("-", 1)[0] for k in cp if "-" in k}
    for c in sorted(codes):
        flag = cp.get(c + "-Flag")
        if flag not in FLAGS:
            return "%s-Flag %r" % (c, flag)
        vals = {}
        for k in ("Rtd", "Avg", "Min", "Max"):
            if c + "-" + k in cp:
                try:
                    vals[k] = float(cp[c + "-" + k])
                except ValueError:
                    return "%s-%s %r" % (c, k, cp[c + "-" + k])
        if cn == "2011":
            if set(vals) - {"Rtd"}:
                return "%s: statistics in real-time data" % c
            continue
        if "Rtd" in vals:
            return "%s-Rtd in CN=%s" % (c, cn)
        if flag != "N" and vals:
            return "%s: a value beside flag %s" % (c, flag)
        if flag == "N" and set(vals) != {"Avg", "Min", "Max"}:
            return "%s: flag N without Avg, Min and Max" % c
        if vals and not vals["Min"] <= vals["Avg"] <= vals["Max"]:
            return "%s: Min <= Avg <= Max fails" % c
    return ""


def sm4_ecb(key: bytes, data: bytes, decrypt: bool) -> bytes:
    """DATA (whole 16-byte blocks) through SM4-ECB: python3-cryptography
    if there, else openssl enc."""
    try:
        from cryptography.hazmat.primitives.ciphers import (
            Cipher, algorithms, modes)
    except ImportError:
        cmd = ["openssl", "enc", "-sm4-ecb", "-nopad", "-K", key.hex()]
        return subprocess.run(cmd + (["-d"] if decrypt else []),
                              input=data, capture_output=True,
                              check=True).stdout
    c = Cipher(algorithms.SM4(key), modes.ECB())
    x = c.decryptor() if decrypt else c.encryptor()
    return x.update(data) + x.finalize()


def read_key(path: str) -> bytes:
    """The key of an sm4_key_file: 32 hex digits or 16 characters."""
    text = open(path, encoding="latin-1").readline().rstrip("\r\n")
    if len(text) == 16:
        return text.encode("latin-1")
    if len(text) == 32:
        return bytes.fromhex(text)
    raise ValueError("%s: not 32 hex digits or 16 characters" % path)


def sm4_cn(cn: str) -> bool:
    """HJ 212-2025 6.4.4: the CNs whose CP a station encrypts."""
    return cn.isdigit() and (2000 <= int(cn) <= 2999 or
                             cn in ("1014", "3020"))


def decipher(key: bytes, seg: bytes):
    """(plain segment, hex of the enciphered blocks) of SEG if its CN is
    one encrypted, else (SEG, None)."""
    i = seg.find(b"CP=&&")
    if i < 0 or not seg.endswith(b"&&"):
        return seg, None
    head = seg[:i].decode("ascii", "replace").split(";")
    cn = [f[3:] for f in head if f.startswith("CN=")]
    if not cn or not sm4_cn(cn[0]):
        return seg, None
    region = seg[i + 5:len(seg) - 2]
    full = len(region) // 16 * 16
    plain = sm4_ecb(key, region[:full], True) + region[full:]
    return seg[:i + 5] + plain + b"&&", region[:full].hex().upper()


def frame(seg: str) -> bytes:
    return ("##%04d%s%04X\r\n" % (len(seg), seg, crc16(seg.encode()))).encode()


class Platform:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.closed_mid = False
        self.current = None     # the newest connection
        self.cmd_off = 0        # bytes of --commands already sent
        self.last = {}          # PW and MN of the station's last packet
        self.qn_last = ""
        self.key = read_key(args.sm4_key_file) if args.sm4_key_file \
            else None

    def log(self, rec):
        rec["t"] = time.time()
        with self.lock, open(self.args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")

    def check(self, buf: bytes):
        """(record, bytes used) of the packet at the start of BUF, or
        (None, 0) if more bytes are needed."""
        start = buf.find(b"##")
        if start < 0:
            return None, 0
        if len(buf) - start < 6:
            return None, 0
        try:
            n = int(buf[start + 2:start + 6].decode())
        except ValueError:
            return {"ok": False, "error": "bad length"}, start + 2
        end = start + 6 + n + 6
        if len(buf) < end:
            return None, 0
        seg = buf[start + 6:start + 6 + n]
        crc = buf[start + 6 + n:start + 10 + n].decode("ascii", "replace")
        rec = {"ok": True, "error": ""}
        if self.key is not None:
            seg, cipher = decipher(self.key, seg)
            if cipher is not None:
                rec.update(encrypted=True, cipher=cipher)
        if buf[end - 2:end] != b"\r\n":
            rec.update(ok=False, error="no CR LF after the CRC")
        elif crc != "%04X" % crc16(seg):
            rec.update(ok=False, error="CRC %s, want %04X" % (crc, crc16(seg)))
        try:
            f = parse_segment(seg.decode("utf-8"))
            rec.update(qn=f.get("QN"), cn=f.get("CN"), st=f.get("ST"),
                       mn=f.get("MN"), pw=f.get("PW"), flag=f.get("Flag"),
                       pnum=f.get("PNUM"), pno=f.get("PNO"), cp=f["CP"])
        except ValueError as e:
            rec.update(ok=False, error=rec["error"] or str(e))
        if rec["ok"] and rec["cn"] in DATA_CN and rec.get("pnum") is None:
            why = check_data(rec["cn"], rec["cp"])
            if why:
                rec.update(ok=False, error="CN=%s: %s" % (rec["cn"], why))
        if rec["ok"]:
            why = check_profile(self.args.profile, rec)
            if why:
                rec.update(ok=False, error=why)
        return rec, end

    def answer(self, conn, rec):
        if self.args.no_answer or not rec.get("ok"):
            return
        if not int(rec.get("flag") or 0) & 1:
            return
        seg = "QN=%s;ST=91;CN=9014;PW=%s;MN=%s;Flag=%d;CP=&&&&" % (
            rec["qn"], rec["pw"], rec["mn"], VERSION[self.args.profile] << 2)
        if self.args.late:
            time.sleep(self.args.late)
        conn.sendall(frame(seg))

    def new_qn(self):
        bj = datetime.timezone(datetime.timedelta(hours=8))
        qn = datetime.datetime.now(bj).strftime("%Y%m%d%H%M%S%f")[:17]
        if qn <= self.qn_last:
            qn = "%017d" % (int(self.qn_last) + 1)
        self.qn_last = qn
        return qn

    def poll_commands(self, conn):
        """Send the lines added to --commands since the last poll."""
        if not self.args.commands or conn is not self.current:
            return
        try:
            with open(self.args.commands, "rb") as f:
                f.seek(self.cmd_off)
                data = f.read()
        except FileNotFoundError:
            return
        end = data.rfind(b"\n") + 1
        self.cmd_off += end
        for line in data[:end].decode().splitlines():
            if not line.strip():
                continue
            c = json.loads(line)
            qn = c.get("qn") or self.new_qn()
            pw = c.get("pw", self.last.get("pw", ""))
            mn = c.get("mn", self.last.get("mn", ""))
            seg = "QN=%s;ST=91;CN=%s;PW=%s;MN=%s;Flag=%d;CP=&&%s&&" % (
                qn, c["cn"], pw, mn, VERSION[self.args.profile] << 2 | 1,
                c.get("cp", ""))
            self.log({"sent": True, "ok": True, "qn": qn,
                      "cn": str(c["cn"]), "pw": pw, "mn": mn,
                      "cp": c.get("cp", "")})
            conn.sendall(frame(seg))

    def serve(self, conn):
        buf = b""
        self.current = conn
        conn.settimeout(0.2)
        with conn:
            while True:
                try:
                    data = conn.recv(4096)
                except socket.timeout:
                    self.poll_commands(conn)
                    continue
                if not data:
                    return
                buf += data
                if self.args.close_mid and not self.closed_mid and \
                        len(buf) >= 20:
                    self.closed_mid = True
                    self.log({"ok": False, "error": "closed mid-packet"})
                    return
                while True:
                    rec, used = self.check(buf)
                    if rec is None:
                        break
                    buf = buf[used:]
                    self.log(rec)
                    if rec.get("ok"):
                        self.last = {"pw": rec["pw"], "mn": rec["mn"]}
                    self.answer(conn, rec)
                self.poll_commands(conn)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--no-answer", action="store_true")
    ap.add_argument("--late", type=float, default=0)
    ap.add_argument("--close-mid", action="store_true")
    ap.add_argument("--commands", help="JSON lines: requests to send")
    ap.add_argument("--profile", default="hj212", choices=sorted(VERSION))
    ap.add_argument("--sm4-key-file", help="hj212-2025: decipher data CPs")
    args = ap.parse_args()
    if args.sm4_key_file and args.profile != "hj212-2025":
        ap.error("--sm4-key-file needs --profile hj212-2025")
    p = Platform(args)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", args.port))
    s.listen(16)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=p.serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
