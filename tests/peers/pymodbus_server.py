#!/usr/bin/python3
"""pymodbus_server.py: a Modbus TCP server we did not write, for the tests.

usage: /usr/bin/python3 pymodbus_server.py --port-file FILE [--unit 1]
           [--tp-steps "V:SECS,...,V"] [--order cdab|abcd] [--status N]

Debian's pymodbus 3.0.0 serving one unit on 127.0.0.1, port 0 (the bound
port is written to --port-file atomically once listening). Holding
registers from address 0, mirrored into input registers:
  0-1  TP mg/L, float32 in --order word order (cdab: low word first)
  2    status word (--status, default 1)
  3-4  water temperature 11.5, float32 abcd
TP follows --tp-steps from start-up (the last value holds), updated every
100 ms; default 0.030. SIGTERM or SIGINT: exit 0.
"""
import argparse
import asyncio
import logging
import os
import signal
import struct
import sys
import time

from pymodbus.datastore import (ModbusSequentialDataBlock,
                                ModbusServerContext, ModbusSlaveContext)
from pymodbus.server.async_io import ModbusTcpServer


def parse_steps(text):
    """"V:SECS,...,V" -> [(value, seconds), ...]; the last holds."""
    steps = []
    for part in text.split(","):
        v, _, secs = part.partition(":")
        steps.append((float(v), float(secs) if secs else 0.0))
    return steps


def value_at(steps, t):
    start = 0.0
    for v, secs in steps[:-1]:
        if t < start + secs:
            return v
        start += secs
    return steps[-1][0]


def float_regs(value, order):
    hi, lo = struct.unpack(">HH", struct.pack(">f", value))
    return [lo, hi] if order == "cdab" else [hi, lo]


def write_atomic(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


async def update(slave, args, steps):
    start = time.monotonic()
    while True:
        tp = value_at(steps, time.monotonic() - start)
        regs = float_regs(tp, args.order) + [args.status]
        for fc in (3, 4):
            slave.setValues(fc, 0, regs)
        await asyncio.sleep(0.1)


async def serve(args, steps):
    regs = (float_regs(value_at(steps, 0), args.order) + [args.status] +
            float_regs(11.5, "abcd"))
    # zero_mode: pymodbus 3.0 otherwise shifts every address by one
    slave = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, list(regs)),
                               ir=ModbusSequentialDataBlock(0, list(regs)),
                               zero_mode=True)
    context = ModbusServerContext(slaves={args.unit: slave}, single=False)
    server = ModbusTcpServer(context, address=("127.0.0.1", 0))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    task = asyncio.create_task(server.serve_forever())
    await server.serving
    port = server.server.sockets[0].getsockname()[1]
    write_atomic(args.port_file, "%d\n" % port)
    print("pymodbus_server: listening on 127.0.0.1:%d" % port,
          file=sys.stderr, flush=True)
    updater = asyncio.create_task(update(slave, args, steps))
    await stop.wait()
    updater.cancel()
    await server.server_close()
    task.cancel()
    await asyncio.gather(task, updater, return_exceptions=True)


def main():
    ap = argparse.ArgumentParser(description="pymodbus test station")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--unit", type=int, default=1)
    ap.add_argument("--tp-steps", default="0.030")
    ap.add_argument("--order", choices=("cdab", "abcd"), default="cdab")
    ap.add_argument("--status", type=int, default=1)
    args = ap.parse_args()
    try:
        steps = parse_steps(args.tp_steps)
    except ValueError:
        ap.error("bad --tp-steps")
    if not 0 <= args.unit <= 247 or not 0 <= args.status <= 0xffff:
        ap.error("bad --unit or --status")
    # it logs an error for every closed connection
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL + 1)
    asyncio.run(serve(args, steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
