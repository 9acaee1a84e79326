/*
 * status.c: status.json (jsonout's typed members, jansson's text),
 * replaced atomically (write_swap), not fsync'd
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/format.h"
#include "../lib/jsonout.h"
#include "../lib/util.h"
#include "status.h"

static void
bus_json(struct jsonout *o, const struct conf_bus *b, struct bus *bus)
{
	struct bus_stats st;
	double up;
	int i;
	char k[4];

	bus_stats(bus, &st);
	up = ts_diff(mono_now(), (struct timespec){ 0, 0 }) - st.up_since;
	jsonout_obj(o, NULL);
	jsonout_str(o, "name", b->name);
	jsonout_str(o, "type", b->type == BUS_RTU ? "rtu" : "tcp");
	jsonout_bool(o, "connected", st.connected);
	jsonout_int(o, "requests", (long long)st.requests);
	jsonout_int(o, "ok", (long long)st.ok);
	jsonout_int(o, "timeouts", (long long)st.timeouts);
	jsonout_int(o, "crc_errors", (long long)st.crc);
	jsonout_int(o, "stray_replies", (long long)st.stray);
	jsonout_obj(o, "exceptions");
	for (i = 1; i < 12; i++) {
		if (st.exceptions[i] == 0)
			continue;
		snprintf(k, sizeof(k), "%02x", i);
		jsonout_int(o, k, (long long)st.exceptions[i]);
	}
	jsonout_obj_end(o);
	jsonout_int(o, "reconnects", (long long)st.reconnects);
	jsonout_int(o, "polls", (long long)st.polls);
	jsonout_int(o, "late_polls", (long long)st.late);
	jsonout_real(o, "latency_avg_ms",
	    st.ok ? st.latency_sum / st.ok * 1000 : 0.0);
	jsonout_real(o, "latency_max_ms", st.latency_max * 1000);
	jsonout_real(o, "utilisation_pct", up > 0 ? 100 * st.busy / up : 0.0);
	jsonout_real(o, "busy_s", bus_busy(bus));
	jsonout_real(o, "lag_avg_ms",
	    st.lag_n ? st.lag_sum / st.lag_n * 1000 : 0.0);
	jsonout_real(o, "lag_max_ms", st.lag_max * 1000);
	jsonout_obj_end(o);
}

/*
 * What the device refused in sample S ("unit 1 refused registers 9-9
 * (Illegal data address)"): a config error, not a fault; null if none.
 */
static void
config_error(struct jsonout *o, const struct conf_sensor *sc,
    const struct sample *s)
{
	char buf[160];

	if (s->flag == 0 || s->refused == 0) {
		jsonout_null(o, "config_error");
		return;
	}
	snprintf(buf, sizeof(buf), "unit %d refused registers %d-%d (%s)",
	    sc->unit, (int)s->ref_addr, s->ref_addr + s->ref_count - 1,
	    modbus_strerror(MODBUS_ENOBASE + s->refused));
	jsonout_str(o, "config_error", buf);
}

/* 100 * N / EXPECTED at 1 decimal, at most 100; null if not defined. */
static void
rate_json(struct jsonout *o, const char *key, int n, int expected)
{
	if (expected <= 0) {
		jsonout_null(o, key);
		return;
	}
	if (n > expected)
		n = expected;
	jsonout_real(o, key, round(1000.0 * n / expected) / 10);
}

/* A time as RFC 3339, once for the sensors that share it (a poll's). */
struct tcache {
	time_t	t;
	char	s[32];
};

static const char *
rfc3339_of(struct tcache *c, time_t t)
{
	if (c->s[0] == '\0' || c->t != t) {
		fmt_rfc3339(t, c->s, sizeof(c->s));
		c->t = t;
	}
	return c->s;
}

/* Today's capture and validity rates (数据获取率, 有效率) of sensor IDX. */
static void
today_json(struct jsonout *o, const struct core *core, int idx,
    struct tcache *since)
{
	struct core_today t;

	core_today(core, idx, time(NULL), &t);
	jsonout_obj(o, "today");
	jsonout_str(o, "since", rfc3339_of(since, t.since));
	if (t.expected > 0)
		jsonout_int(o, "expected", t.expected);
	else
		jsonout_null(o, "expected");
	jsonout_int(o, "obtained", t.obtained);
	jsonout_int(o, "valid", t.valid);
	rate_json(o, "capture_rate", t.obtained, t.expected);
	rate_json(o, "valid_rate", t.valid, t.expected);
	jsonout_obj_end(o);
}

static void
sensor_json(struct jsonout *o, const struct conf_sensor *sc,
    const struct core *core, int idx, struct tcache tc[2])
{
	struct sample s;
	int firing;

	core_last(core, idx, &s, &firing);
	jsonout_obj(o, NULL);
	jsonout_str(o, "name", sc->name);
	jsonout_str(o, "site", sc->site);
	jsonout_str(o, "parameter", gb3838_param_name(sc->parameter));
	if (s.flag != 0 && isfinite(s.value))
		jsonout_real(o, "value", gb3838_round(s.value, sc->decimals));
	else
		jsonout_null(o, "value");
	jsonout_str(o, "unit", sc->unit_label);
	jsonout_str(o, "flag", s.flag != 0 ? (char[2]){ s.flag, 0 } : "");
	jsonout_str(o, "time", s.flag != 0 ? rfc3339_of(&tc[0], s.t) : "");
	jsonout_bool(o, "alert_firing", firing);
	config_error(o, sc, &s);
	today_json(o, core, idx, &tc[1]);
	jsonout_obj_end(o);
}

static void
uplink_json(struct jsonout *o, const struct conf_uplink *u,
    struct uplinks *up, size_t i)
{
	struct uplink_stats st;
	char t[32] = "";

	uplinks_stats(up, i, &st);
	if (st.last_ack != 0)
		fmt_rfc3339(st.last_ack, t, sizeof(t));
	jsonout_obj(o, NULL);
	jsonout_str(o, "name", u->name);
	jsonout_bool(o, "connected", st.connected);
	jsonout_int(o, "backlog", (long long)st.backlog);
	jsonout_int(o, "sent", (long long)st.sent);
	jsonout_int(o, "acked", (long long)st.acked);
	jsonout_int(o, "dropped", (long long)st.dropped);
	jsonout_str(o, "last_ack", t);
	jsonout_str(o, "last_error", st.last_error);
	jsonout_obj_end(o);
}

/* What status.json is made of, for status_fill. */
struct status_doc {
	const struct conf	*c;
	struct bus *const	*buses;
	const struct core	*core;
	struct queue		*q;
	struct uplinks		*up;
	double			 started;
	const char		*metrics;
	struct notify_stats	 ns;
	struct core_stats	 cs;
};

/* The document, a bus and a sensor at a time, to F (write_swap). */
static int
status_fill(FILE *f, void *arg)
{
	const struct status_doc *d = arg;
	const struct conf *c = d->c;
	const struct notify_stats *ns = &d->ns;
	const struct core_stats *cs = &d->cs;
	struct tcache tc[2] = { { 0, "" }, { 0, "" } };
	struct jsonout o;
	size_t i;

	jsonout_begin_file(&o, f, JSON_COMPACT | JSON_REAL_PRECISION(10));
	jsonout_str(&o, "version", LW_VERSION);
	jsonout_int(&o, "pid", getpid());
	jsonout_str(&o, "config", c->path);
	jsonout_real(&o, "started", d->started);
	jsonout_real(&o, "now", wall_now());
	jsonout_str(&o, "metrics", d->metrics);
	jsonout_obj(&o, "core");
	jsonout_int(&o, "samples", (long long)cs->samples);
	jsonout_int(&o, "stored", (long long)cs->stored);
	jsonout_int(&o, "store_errors", (long long)cs->store_errors);
	jsonout_int(&o, "log_waiting", (long long)cs->log_waiting);
	jsonout_int(&o, "log_dropped", (long long)cs->log_dropped);
	jsonout_int(&o, "alerts_firing", (long long)cs->firing);
	jsonout_obj_end(&o);
	jsonout_obj(&o, "store");
	jsonout_str(&o, "backend", cs->store.backend);
	jsonout_bool(&o, "up", !cs->store.down);
	jsonout_int(&o, "pending", (long long)cs->store.pending);
	jsonout_int(&o, "dropped", (long long)cs->store.dropped);
	jsonout_int(&o, "written", (long long)cs->store.written);
	jsonout_obj_end(&o);
	jsonout_obj(&o, "outbox");
	jsonout_int(&o, "depth", (long long)ns->depth);
	jsonout_int(&o, "sent", (long long)ns->sent);
	jsonout_int(&o, "retries", (long long)ns->retries);
	jsonout_int(&o, "deadletter", (long long)ns->dead);
	jsonout_int(&o, "unreadable", (long long)ns->unreadable);
	jsonout_obj_end(&o);
	jsonout_obj(&o, "queue");
	jsonout_int(&o, "depth", (long long)queue_depth(d->q));
	jsonout_int(&o, "dropped", (long long)queue_drops(d->q));
	jsonout_obj_end(&o);
	jsonout_open(&o, "buses", '[');
	for (i = 0; i < c->nbus; i++)
		bus_json(&o, &c->buses[i], d->buses[i]);
	jsonout_close(&o, ']');
	jsonout_open(&o, "sensors", '[');
	for (i = 0; i < c->nsensor; i++)
		sensor_json(&o, &c->sensors[i], d->core, (int)i, tc);
	jsonout_close(&o, ']');
	jsonout_open(&o, "uplinks", '[');
	for (i = 0; i < c->nuplink; i++)
		uplink_json(&o, &c->uplinks[i], d->up, i);
	jsonout_close(&o, ']');
	return jsonout_finish(&o);
}

/*
 * Straight into the spare file: at 1000 sensors the text (1-2 MB) in a
 * growing buffer was the biggest thing the main thread held.
 */
int
status_write(const struct conf *c, struct bus *const *buses,
    const struct core *core, struct notify *n, struct queue *q,
    struct uplinks *up, double started, const char *metrics)
{
	struct status_doc d = { .c = c, .buses = buses, .core = core,
	    .q = q, .up = up, .started = started, .metrics = metrics };
	char path[PATH_MAX];

	notify_stats(n, &d.ns);
	core_stats(core, &d.cs);
	status_path(c, path, sizeof(path));
	return write_swap(path, 0640, status_fill, &d);
}
