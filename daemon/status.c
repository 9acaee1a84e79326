/* status.c: status.json (jansson), replaced atomically (write_swap), not fsync'd */
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

static json_t *
bus_json(const struct conf_bus *b, struct bus *bus)
{
	struct bus_stats st;
	json_t *exc = json_object(), *j;
	double up;
	int i;
	char k[4];

	bus_stats(bus, &st);
	for (i = 1; i < 12; i++) {
		if (st.exceptions[i] == 0)
			continue;
		snprintf(k, sizeof(k), "%02x", i);
		json_object_set_new(exc, k, json_integer(
		    (json_int_t)st.exceptions[i]));
	}
	up = ts_diff(mono_now(), (struct timespec){ 0, 0 }) - st.up_since;
	j = json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:o, s:I, "
	    "s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f}",
	    "name", b->name,
	    "type", b->type == BUS_RTU ? "rtu" : "tcp",
	    "connected", st.connected,
	    "requests", (json_int_t)st.requests,
	    "ok", (json_int_t)st.ok,
	    "timeouts", (json_int_t)st.timeouts,
	    "crc_errors", (json_int_t)st.crc,
	    "stray_replies", (json_int_t)st.stray,
	    "exceptions", exc,
	    "reconnects", (json_int_t)st.reconnects,
	    "polls", (json_int_t)st.polls,
	    "late_polls", (json_int_t)st.late,
	    "latency_avg_ms", st.ok ? st.latency_sum / st.ok * 1000 : 0.0,
	    "latency_max_ms", st.latency_max * 1000,
	    "utilisation_pct", up > 0 ? 100 * st.busy / up : 0.0,
	    "busy_s", bus_busy(bus),
	    "lag_avg_ms", st.lag_n ? st.lag_sum / st.lag_n * 1000 : 0.0,
	    "lag_max_ms", st.lag_max * 1000);
	return j;
}

/*
 * What the device refused in sample S ("unit 1 refused registers 9-9
 * (Illegal data address)"): a config error, not a fault; null if none.
 */
static json_t *
config_error(const struct conf_sensor *sc, const struct sample *s)
{
	char buf[160];

	if (s->flag == 0 || s->refused == 0)
		return json_null();
	snprintf(buf, sizeof(buf), "unit %d refused registers %d-%d (%s)",
	    sc->unit, (int)s->ref_addr, s->ref_addr + s->ref_count - 1,
	    modbus_strerror(MODBUS_ENOBASE + s->refused));
	return json_string(buf);
}

/* 100 * N / EXPECTED at 1 decimal, at most 100; null if not defined. */
static json_t *
rate_json(int n, int expected)
{
	if (expected <= 0)
		return json_null();
	if (n > expected)
		n = expected;
	return json_real(round(1000.0 * n / expected) / 10);
}

/* Today's capture and validity rates (数据获取率, 有效率) of sensor IDX. */
static json_t *
today_json(const struct core *core, int idx)
{
	struct core_today t;
	char since[32];

	core_today(core, idx, time(NULL), &t);
	fmt_rfc3339(t.since, since, sizeof(since));
	return json_pack("{s:s, s:o, s:i, s:i, s:o, s:o}", "since", since,
	    "expected", t.expected > 0 ? json_integer(t.expected) :
	    json_null(), "obtained", t.obtained, "valid", t.valid,
	    "capture_rate", rate_json(t.obtained, t.expected),
	    "valid_rate", rate_json(t.valid, t.expected));
}

static json_t *
sensor_json(const struct conf_sensor *sc, const struct core *core, int idx)
{
	struct sample s;
	char t[32] = "";
	int firing;

	core_last(core, idx, &s, &firing);
	if (s.flag != 0)
		fmt_rfc3339(s.t, t, sizeof(t));
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:b, s:o, s:o}",
	    "name", sc->name, "site", sc->site,
	    "parameter", gb3838_param_name(sc->parameter),
	    "value", s.flag != 0 && isfinite(s.value) ?
	    json_real(gb3838_round(s.value, sc->decimals)) : json_null(),
	    "unit", sc->unit_label,
	    "flag", s.flag != 0 ? (char[2]){ s.flag, 0 } : "",
	    "time", t, "alert_firing", firing,
	    "config_error", config_error(sc, &s), "today",
	    today_json(core, idx));
}

static json_t *
uplink_json(const struct conf_uplink *u, struct uplinks *up, size_t i)
{
	struct uplink_stats st;
	char t[32] = "";

	uplinks_stats(up, i, &st);
	if (st.last_ack != 0)
		fmt_rfc3339(st.last_ack, t, sizeof(t));
	return json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:s, s:s}",
	    "name", u->name, "connected", st.connected,
	    "backlog", (json_int_t)st.backlog,
	    "sent", (json_int_t)st.sent, "acked", (json_int_t)st.acked,
	    "dropped", (json_int_t)st.dropped,
	    "last_ack", t, "last_error", st.last_error);
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
	struct jsonout o;
	size_t i;

	jsonout_begin_file(&o, f, JSON_COMPACT | JSON_REAL_PRECISION(10));
	jsonout_add(&o, "version", json_string(LW_VERSION));
	jsonout_add(&o, "pid", json_integer(getpid()));
	jsonout_add(&o, "config", json_string(c->path));
	jsonout_add(&o, "started", json_real(d->started));
	jsonout_add(&o, "now", json_real(wall_now()));
	jsonout_add(&o, "metrics", d->metrics != NULL ?
	    json_string(d->metrics) : json_null());
	jsonout_add(&o, "core", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
	    "samples", (json_int_t)cs->samples,
	    "stored", (json_int_t)cs->stored,
	    "store_errors", (json_int_t)cs->store_errors,
	    "log_waiting", (json_int_t)cs->log_waiting,
	    "log_dropped", (json_int_t)cs->log_dropped,
	    "alerts_firing", (json_int_t)cs->firing));
	jsonout_add(&o, "store", json_pack("{s:s, s:b, s:I, s:I, s:I}",
	    "backend", cs->store.backend, "up", !cs->store.down,
	    "pending", (json_int_t)cs->store.pending,
	    "dropped", (json_int_t)cs->store.dropped,
	    "written", (json_int_t)cs->store.written));
	jsonout_add(&o, "outbox", json_pack("{s:I, s:I, s:I, s:I, s:I}",
	    "depth", (json_int_t)ns->depth,
	    "sent", (json_int_t)ns->sent, "retries", (json_int_t)ns->retries,
	    "deadletter", (json_int_t)ns->dead,
	    "unreadable", (json_int_t)ns->unreadable));
	jsonout_add(&o, "queue", json_pack("{s:I, s:I}",
	    "depth", (json_int_t)queue_depth(d->q),
	    "dropped", (json_int_t)queue_drops(d->q)));
	jsonout_open(&o, "buses", '[');
	for (i = 0; i < c->nbus; i++)
		jsonout_add(&o, NULL, bus_json(&c->buses[i], d->buses[i]));
	jsonout_close(&o, ']');
	jsonout_open(&o, "sensors", '[');
	for (i = 0; i < c->nsensor; i++)
		jsonout_add(&o, NULL, sensor_json(&c->sensors[i], d->core,
		    (int)i));
	jsonout_close(&o, ']');
	jsonout_open(&o, "uplinks", '[');
	for (i = 0; i < c->nuplink; i++)
		jsonout_add(&o, NULL, uplink_json(&c->uplinks[i], d->up, i));
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
