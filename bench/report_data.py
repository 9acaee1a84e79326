#!/usr/bin/python3
"""report_data.py: a site's year of 1-minute sample logs for bench/report.sh.

    report_data.py STATE_DIR YEAR [--prev] [--conf FILE]

Writes <STATE_DIR>/samples/<sensor>/<YYYY-MM>.csv (UTC months, the
daemon's format: time,value,flag,raw,status) for four sensors of one site
(TP, TN, NH3-N, DO), one row a minute over the Beijing-time year YEAR:
4 x 525 600 rows, about 2.1 million (with --prev, YEAR-1 too). Values
wander deterministically; about 1 % of rows are flagged (B without a
value, M, C, D), and a few days lose most of their rows, so that the
day and month rules have something to reject. --conf writes a
configuration for it (interval 60, Asia/Shanghai).
"""
import calendar
import datetime as dt
import math
import os
import sys

SENSORS = (
    ("site-tp", "tp", 0.05, 0.02),
    ("site-tn", "tn", 1.0, 0.3),
    ("site-nh3n", "nh3n", 0.4, 0.1),
    ("site-do", "do", 7.5, 1.5),
)
BJ = 8 * 3600


def rows_of_year(year, base, amp, salt):
    """(epoch, value or None, flag) every minute of Beijing year YEAR."""
    t0 = calendar.timegm((year, 1, 1, 0, 0, 0)) - BJ
    t1 = calendar.timegm((year + 1, 1, 1, 0, 0, 0)) - BJ
    seed = 12345 + salt
    for t in range(t0, t1, 60):
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        day = (t - t0) // 86400
        if day % 37 == 11 + salt and (t // 60) % 10 != 0:
            continue			# a day with most rows missing
        v = base + amp * math.sin(t / 86400.0 * 2 * math.pi / 30.0) + \
            amp * 0.1 * ((seed >> 8) % 1000 - 500) / 500.0
        r = seed % 1000
        if r < 3:
            yield t, None, "B"
        elif r < 6:
            yield t, v, "M"
        elif r < 8:
            yield t, v, "C"
        elif r < 10:
            yield t, v * 3, "D"
        else:
            yield t, v, "N"


def write_year(state, year, salt, sensor, base, amp):
    d = os.path.join(state, "samples", sensor)
    os.makedirs(d, exist_ok=True)
    name = fp = None
    for t, v, f in rows_of_year(year, base, amp, salt):
        tm = dt.datetime.fromtimestamp(t, dt.timezone.utc)
        n = "%04d-%02d.csv" % (tm.year, tm.month)
        if n != name:
            if fp:
                fp.close()
            name = n
            path = os.path.join(d, n)
            fresh = not os.path.exists(path)
            fp = open(path, "a", encoding="ascii")
            if fresh:
                fp.write("time,value,flag,raw,status\n")
        val = "" if v is None else "%.7g" % v
        fp.write("%04d-%02d-%02dT%02d:%02d:00Z,%s,%s,%s,%d\n" % (
            tm.year, tm.month, tm.day, tm.hour, tm.minute, val, f, val,
            1 if f == "N" else 3))
    if fp:
        fp.close()


def write_conf(path, state):
    with open(path, "w", encoding="utf-8") as fp:
        fp.write("[daemon]\nstate_dir = %s\ntimezone = Asia/Shanghai\n\n"
                 "[bus lake]\ntype = tcp\nhost = 127.0.0.1\nport = 1502\n"
                 % state)
        for i, (name, param, _, _) in enumerate(SENSORS):
            fp.write("\n[sensor %s]\nbus = lake\nunit = 1\nregister = %d\n"
                     "parameter = %s\nsite = bench-site\nwater_body = lake\n"
                     "target_class = III\ninterval = 60\n"
                     % (name, 2 * i, param))


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    state, year = args[0], int(args[1])
    years = [year - 1, year] if "--prev" in args else [year]
    for y in years:
        for i, (name, _, base, amp) in enumerate(SENSORS):
            write_year(state, y, i, name, base, amp)
    if "--conf" in args:
        write_conf(args[args.index("--conf") + 1], state)


if __name__ == "__main__":
    main()
