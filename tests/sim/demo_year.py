#!/usr/bin/python3
"""demo_year.py: a year of simulated results for `make demo` to import.

    demo_year.py OUTDIR [--now UNIXTIME]

Writes OUTDIR/<sensor>.csv (time,value; RFC 3339 UTC, as `lakewatch
import` reads it) for the demo's three sensors, from a year before now
(or from 1 January of the report year, if earlier) up to now, and
OUTDIR/<sensor>.prev.csv with January to May of the year before the
report year (TP only: the sample log's year on year; the RRD has no room
for it behind the year and import leaves it out there). Prints the
report year: the year of the last May that is over.

The lake centre's TP is shaped like the seed's lake (长荡湖, DOMAIN.md):
January to April each within Class III (0.05 mg/L), a May spike that
takes the January-May mean to 0.054 (Class IV), the summer bloom, and
last year's January-May 0.075 (so -28 % year on year). The intake stays
within Class III all year; the temperature follows the seasons. Each
Beijing month's mean is exactly its figure below: a smooth curve through
the month means, a day-to-day wobble and a daily cycle, shifted per month.
"""
import argparse
import datetime as dt
import math
import os
import random

BJ = dt.timezone(dt.timedelta(hours=8))
UTC = dt.timezone.utc

# sensor -> (hours between results, decimals, day wobble, daily swing,
#            month means of the report year, of the year before)
SENSORS = {
    "centre-tp": (4, 4, 0.004, 0.002,
                  [0.048, 0.046, 0.044, 0.049, 0.083, 0.072,
                   0.105, 0.118, 0.092, 0.068, 0.056, 0.052],
                  [0.070, 0.072, 0.075, 0.078, 0.080, 0.085,
                   0.120, 0.130, 0.100, 0.075, 0.065, 0.060]),
    "intake-tp": (4, 4, 0.002, 0.001,
                  [0.030, 0.029, 0.028, 0.030, 0.036, 0.038,
                   0.042, 0.044, 0.040, 0.034, 0.031, 0.030],
                  [0.033, 0.032, 0.031, 0.033, 0.038, 0.040,
                   0.045, 0.046, 0.042, 0.036, 0.034, 0.033]),
    "centre-temp": (1, 2, 1.2, 1.0,
                    [4.5, 6.0, 10.5, 16.0, 21.5, 25.5,
                     29.5, 30.0, 26.0, 20.0, 13.5, 7.5],
                    [4.5, 6.0, 10.5, 16.0, 21.5, 25.5,
                     29.5, 30.0, 26.0, 20.0, 13.5, 7.5]),
}


def month_mean(spec, year, month, ryear):
    """The figure of a month: the report year's, or last year's."""
    return spec[5 if year < ryear else 4][month - 1]


def mid(year, month):
    """The middle of a Beijing month, in days since the epoch."""
    a = dt.datetime(year, month, 1, tzinfo=BJ)
    b = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=BJ)
    return (a.timestamp() + b.timestamp()) / 2 / 86400


def curve(spec, t, ryear):
    """A line through the month means at their middles."""
    y, m = t.year, t.month
    now = t.timestamp() / 86400
    prev = (y - 1, 12) if m == 1 else (y, m - 1)
    nxt = (y + 1, 1) if m == 12 else (y, m + 1)
    a, b = (prev, (y, m)) if now < mid(y, m) else ((y, m), nxt)
    va, vb = month_mean(spec, *a, ryear), month_mean(spec, *b, ryear)
    f = (now - mid(*a)) / (mid(*b) - mid(*a))
    return va + (vb - va) * f


def series(name, spec, start, end, ryear):
    """(utc time, value) on the sensor's Beijing grid, START <= t <= END."""
    every, dec, wobble, swing = spec[0], spec[1], spec[2], spec[3]
    rnd = random.Random(name)
    t = start.astimezone(BJ).replace(hour=0, minute=0, second=0,
                                     microsecond=0)
    day, noise, rows = None, 0.0, []
    while t <= end:
        if t >= start:
            if t.date() != day:
                day, noise = t.date(), rnd.gauss(0, wobble)
            # the daily cycle peaks mid-afternoon (sun: temperature, algae)
            cyc = swing * math.sin((t.hour - 9) / 24 * 2 * math.pi)
            rows.append((t, curve(spec, t, ryear) + noise + cyc))
        t += dt.timedelta(hours=every)
    # each Beijing month's mean is its figure (a day has all its results,
    # so the mean of the daily means is the mean of the results)
    months = {}
    for t, v in rows:
        months.setdefault((t.year, t.month), []).append(v)
    shift = {k: month_mean(spec, *k, ryear) - sum(v) / len(v)
             for k, v in months.items()}
    return [(t.astimezone(UTC), round(v + shift[(t.year, t.month)], dec))
            for t, v in rows]


def write(path, rows, dec):
    with open(path, "w", encoding="ascii") as fp:
        fp.write("time,value\n")
        for t, v in rows:
            fp.write("%s,%.*f\n" % (t.strftime("%Y-%m-%dT%H:%M:%SZ"), dec, v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--now", type=float)
    a = ap.parse_args()
    now = dt.datetime.fromtimestamp(a.now if a.now else
                                    dt.datetime.now(UTC).timestamp(), BJ)
    ryear = now.year if now.month > 5 else now.year - 1
    start = min(now - dt.timedelta(days=365),
                dt.datetime(ryear, 1, 1, tzinfo=BJ))
    os.makedirs(a.outdir, exist_ok=True)
    for name, spec in SENSORS.items():
        write(os.path.join(a.outdir, name + ".csv"),
              series(name, spec, start, now, ryear), spec[1])
        if name.endswith("-tp"):
            write(os.path.join(a.outdir, name + ".prev.csv"),
                  series(name, spec, dt.datetime(ryear - 1, 1, 1, tzinfo=BJ),
                         dt.datetime(ryear - 1, 5, 31, 20, tzinfo=BJ),
                         ryear), spec[1])
    print(ryear)


if __name__ == "__main__":
    main()
