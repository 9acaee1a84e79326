"""What platform.py logged, against the daemon's sample log: the pieces
the uplink tests' checks share (import with PYTHONPATH=tests/peers).

records(LOG): the packets platform.py logged (one JSON object a line),
asserting that it accepted every one. t_of(S): a Beijing DataTime
(YYYYMMDDhhmmss) as UTC seconds. sample_log(DIR): the sample log of
uplink_conf's sensors by HJ 212 code, {code: [(t, value, flag)]} in time
order. check_stats(LOG, CP, START, P): CP's -Avg/-Min/-Max/-Flag agree
with the samples of LOG in [START, START + P).
"""
import csv
import datetime
import glob
import json
import os

BJ = datetime.timezone(datetime.timedelta(hours=8))


def records(log):
    recs = [json.loads(l) for l in open(log, encoding="utf-8")]
    bad = [r for r in recs if not r["ok"]]
    assert not bad, bad
    return recs


def t_of(s):
    d = datetime.datetime.strptime(s, "%Y%m%d%H%M%S").replace(tzinfo=BJ)
    return int(d.timestamp())


def rows(samples, sensor):
    out = []
    for path in sorted(glob.glob(os.path.join(samples, sensor, "*.csv"))):
        for r in csv.DictReader(open(path)):
            t = datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%SZ")
            t = int(t.replace(tzinfo=datetime.timezone.utc).timestamp())
            out.append((t, r["value"], r["flag"]))
    return sorted(out, key=lambda x: x[0])


def sample_log(samples):
    return {"w21011": rows(samples, "centre-tp"),
            "w01010": rows(samples, "centre-temp")}


def near(s, want):
    """S (a value as sent) is WANT rounded to S's decimals."""
    d = len(s.split(".")[1]) if "." in s else 0
    return abs(float(s) - want) <= 0.5 * 10 ** -d + 1e-9


def check_stats(log, cp, start, p):
    for code, rs in log.items():
        v = [float(x) for t, x, f in rs if start <= t < start + p and
             f == "N" and x != ""]
        if not v:
            assert code + "-Avg" not in cp, (code, cp)
            assert cp[code + "-Flag"] != "N", (code, cp)
            continue
        assert cp[code + "-Flag"] == "N", (code, cp)
        for k, want in (("Avg", sum(v) / len(v)), ("Min", min(v)),
                        ("Max", max(v))):
            s = cp["%s-%s" % (code, k)]
            assert near(s, want), (code, k, s, want)
