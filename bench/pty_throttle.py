#!/usr/bin/python3
"""Pty pair with serial-line timing: like `socat pty,raw,echo=0 pty,raw,echo=0`, but each byte is
delayed by bits_per_char/baud seconds (8N1 = 10 bits), one byte at a time per direction, so
a 9600-baud link takes ~1.04 ms per byte.
Usage: pty_throttle.py LINK_A LINK_B [baud] [bits_per_char]   (links are symlinks it creates)"""
import os, select, sys, time, tty, signal

link_a, link_b = sys.argv[1], sys.argv[2]
baud = int(sys.argv[3]) if len(sys.argv) > 3 else 9600
char_time = (int(sys.argv[4]) if len(sys.argv) > 4 else 10) / baud

ends = []
for link in (link_a, link_b):
    m, s = os.openpty()
    tty.setraw(s)            # raw, no echo; keep the slave open so the master never reads EIO
    tty.setraw(m)
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(os.ttyname(s), link)
    ends.append((m, s))
masters = [ends[0][0], ends[1][0]]
queue = {0: bytearray(), 1: bytearray()}   # bytes waiting to go from side i to the other side
line_free = {0: 0.0, 1: 0.0}               # time the wire from side i is free again
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
print(f"pty_throttle: {link_a} <-> {link_b} at {baud} baud ({char_time*1e3:.3f} ms/char)", flush=True)
try:
    while True:
        now = time.monotonic()
        timeout = None
        for i in (0, 1):
            if queue[i]:
                timeout = min(timeout if timeout is not None else 1e9, max(0.0, line_free[i] - now))
        r, _, _ = select.select(masters, [], [], timeout)
        for i, m in enumerate(masters):
            if m in r:
                try:
                    data = os.read(m, 4096)
                except OSError:
                    data = b""
                if data:
                    if not queue[i]:
                        line_free[i] = max(line_free[i], time.monotonic()) + char_time
                    queue[i] += data
        now = time.monotonic()
        for i in (0, 1):
            # deliver every byte whose transmission time has elapsed
            while queue[i] and line_free[i] <= now:
                os.write(masters[1 - i], bytes(queue[i][:1]))
                del queue[i][:1]
                if queue[i]:
                    line_free[i] += char_time
finally:
    for link in (link_a, link_b):
        if os.path.islink(link):
            os.unlink(link)
