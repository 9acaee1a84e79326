#!/usr/bin/env python3
"""serial_line.py LINK_A LINK_B: a serial line between two ptys, like
`socat pty,raw,echo=0 pty,raw,echo=0`, except that bytes pass only while
both ends are set alike (speed, parity, stop bits), as on an RS-485 pair
where a device at another baud rate or parity sees framing and parity
errors and stays silent. A pty takes any termios and ignores it, so a
baud-rate scan against a plain socat pair would "find" every setting.

What each end set is read with tcgetattr on our own fd of its slave: the
speed and CSTOPB are kept; Linux's pty clears PARENB, so the parity is
told by libmodbus's INPCK (set for E and O) and PARODD. LINK_A/LINK_B
are symlinks we create; each slave stays open here, so its settings
outlive the program that set them. Stdlib only."""
import os
import select
import signal
import sys
import termios
import tty


def line_setting(fd):
    """(speed, parity, two stop bits) of the pty slave FD"""
    iflag, _, cflag, _, _, ospeed, _ = termios.tcgetattr(fd)
    if not iflag & termios.INPCK:
        parity = "N"
    else:
        parity = "O" if cflag & termios.PARODD else "E"
    return ospeed, parity, bool(cflag & termios.CSTOPB)


def main():
    links = sys.argv[1:3]
    if len(links) != 2:
        sys.exit(__doc__)
    ends = []
    for link in links:
        m, s = os.openpty()
        tty.setraw(s)
        tty.setraw(m)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.ttyname(s), link)
        ends.append((m, s))
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    print("serial_line: %s <-> %s" % tuple(links), flush=True)
    masters = [m for m, _ in ends]
    dropped = 0
    try:
        while True:
            r, _, _ = select.select(masters, [], [])
            for i, m in enumerate(masters):
                if m not in r:
                    continue
                try:
                    data = os.read(m, 4096)
                except OSError:
                    continue
                a, b = line_setting(ends[0][1]), line_setting(ends[1][1])
                if a == b:
                    os.write(masters[1 - i], data)
                else:
                    dropped += len(data)
                    print("dropped %d bytes from %s: %s vs %s" % (
                        len(data), "AB"[i], a, b), flush=True)
    finally:
        for link in links:
            if os.path.islink(link):
                os.unlink(link)


if __name__ == "__main__":
    main()
