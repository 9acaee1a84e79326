#!/usr/bin/python3
"""liar.py: a Modbus TCP device that lies about its replies, for the tests.

usage: /usr/bin/python3 liar.py --port-file FILE [--dup N] [--late N]
           [--hold N] [--wrong-unit N] [--garbage N] [--delay SECS]
           [--fault-log FILE]

Serves two units on 127.0.0.1, port 0 (the port is written to
--port-file once listening): unit 1 holds TP 0.03 mg/L, unit 7 holds TP
0.09 mg/L, both float32 abcd at holding/input registers 0-1. Every Nth
request (counted over the whole connection, all units) gets a fault:
  --dup N         its reply is sent twice, back to back
  --late N        its reply is sent --delay s later (default 0.5), after
                  the client's time-out, while later requests are
                  answered on time
  --hold N        its reply is held and sent right after the reply to
                  the next request (replies out of order)
  --wrong-unit N  its reply carries the request's transaction id but the
                  other unit's id and value
  --garbage N     three bytes that are no frame precede its reply
Each fault injected is written as a line to --fault-log. SIGTERM: exit 0.
"""
import argparse
import asyncio
import os
import signal
import struct
import sys

VALUES = {1: 0.03, 7: 0.09}


def registers(unit, addr, count):
    words = struct.unpack(">HH", struct.pack(">f", VALUES[unit]))
    regs = {0: words[0], 1: words[1]}
    return [regs.get(addr + i, 0) for i in range(count)]


def reply(tid, unit, fc, addr, count, as_unit=None):
    u = unit if as_unit is None else as_unit
    if fc not in (3, 4) or u not in VALUES:
        pdu = struct.pack(">BB", fc | 0x80, 2)
    else:
        regs = registers(u, addr, count)
        pdu = struct.pack(">BB", fc, 2 * count) + \
            b"".join(struct.pack(">H", r) for r in regs)
    return struct.pack(">HHHB", tid, 0, len(pdu) + 1, u) + pdu


def every(n, k):
    return n > 0 and k % n == 0


class Device:
    def __init__(self, a):
        self.a = a
        self.faults = open(a.fault_log, "a") if a.fault_log else None

    def note(self, what):
        if self.faults:
            self.faults.write(what + "\n")
            self.faults.flush()

    async def serve(self, reader, writer):
        a, k, held = self.a, 0, None
        try:
            while True:
                head = await reader.readexactly(7)
                tid, proto, length, unit = struct.unpack(">HHHB", head)
                body = await reader.readexactly(length - 1)
                fc, addr, count = struct.unpack(">BHH", body[:5])
                k += 1
                other = 8 - unit if unit in (1, 7) else None
                if every(a.wrong_unit, k) and other:
                    self.note("wrong-unit %d" % tid)
                    out = reply(tid, unit, fc, addr, count, other)
                else:
                    out = reply(tid, unit, fc, addr, count)
                if every(a.garbage, k):
                    self.note("garbage %d" % tid)
                    out = b"\xde\xad\xbe" + out
                if every(a.late, k):
                    self.note("late %d" % tid)
                    asyncio.get_running_loop().call_later(
                        a.delay, self.send, writer, out)
                    continue
                if every(a.hold, k) and held is None:
                    self.note("hold %d" % tid)
                    held = out
                    continue
                if every(a.dup, k):
                    self.note("dup %d" % tid)
                    out = out + out
                if held is not None:
                    out, held = out + held, None
                writer.write(out)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    @staticmethod
    def send(writer, out):
        if not writer.is_closing():
            writer.write(out)


async def main(a):
    dev = Device(a)
    server = await asyncio.start_server(dev.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, a.port_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    for f in ("dup", "late", "hold", "wrong-unit", "garbage"):
        p.add_argument("--" + f, type=int, default=0)
    p.add_argument("--delay", type=float, default=0.5)
    p.add_argument("--fault-log")
    asyncio.run(main(p.parse_args()))
    sys.exit(0)
