/* metrics.c: Prometheus /metrics (libmicrohttpd), text built in main */
#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "../lib/util.h"
#include "metrics.h"

#define RETRY		30	/* s between tries to listen */
#define CONN_MAX	16	/* scrapers at once */
#define CONN_TIMEOUT	10	/* s an idle connection is kept */
#define CTYPE		"text/plain; version=0.0.4; charset=utf-8"

/* the HJ 212 flags (DOMAIN.md 2.4): one series each, 1 for the current */
static const char hj212_flags[] = "NCMDTFSB";

struct metrics {
	char		*addr;		/* as configured; NULL: off */
	char		 bound[80];	/* with the port bound; "" if none */
	struct MHD_Daemon *mhd;		/* NULL: off or could not listen */
	time_t		 retry_at;
	int		 failed;	/* logged that it could not listen */
	pthread_mutex_t	 mu;		/* guards text and len */
	char		*text;		/* NULL: nothing built yet */
	size_t		 len;
};

/*
 * The text
 */

static void
family(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* a label value: backslash, double quote and newline escaped */
static void
label(FILE *fp, const char *sep, const char *key, const char *v)
{
	fprintf(fp, "%s%s=\"", sep, key);
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', fp);
		if (*v == '\n')
			fputs("\\n", fp);
		else
			fputc(*v, fp);
	}
	fputc('"', fp);
}

static void
sensor_series(FILE *fp, const char *name, const struct metrics_sensor *s)
{
	fputs(name, fp);
	label(fp, "{", "sensor", s->name);
	label(fp, ",", "site", s->site);
	label(fp, ",", "parameter", s->parameter);
}

static void
sensor_values(FILE *fp, const struct metrics_data *d)
{
	const struct metrics_sensor *s;
	const char *n;
	size_t i;

	n = "lakewatch_sensor_value";
	family(fp, n, "gauge", "Last value read, in the sensor's unit "
	    "(none if it had no finite value).");
	for (i = 0, s = d->sensors; i < d->nsensor; i++, s++)
		if (s->flag != 0 && isfinite(s->value)) {
			sensor_series(fp, n, s);
			fprintf(fp, "} %.10g\n", s->value);
		}
	n = "lakewatch_sensor_sample_timestamp_seconds";
	family(fp, n, "gauge", "When the last sample was taken, "
	    "Unix time.");
	for (i = 0, s = d->sensors; i < d->nsensor; i++, s++)
		if (s->flag != 0) {
			sensor_series(fp, n, s);
			fprintf(fp, "} %lld\n", (long long)s->t);
		}
	n = "lakewatch_sensor_class";
	family(fp, n, "gauge", "GB 3838-2002 class of the last valid value, "
	    "1 to 5, 6 worse than V (none if the parameter has none).");
	for (i = 0, s = d->sensors; i < d->nsensor; i++, s++)
		if (s->cls > 0) {
			sensor_series(fp, n, s);
			fprintf(fp, "} %d\n", s->cls);
		}
}

static void
sensor_states(FILE *fp, const struct metrics_data *d)
{
	const struct metrics_sensor *s;
	const char *n, *f;
	size_t i;

	n = "lakewatch_sensor_flag";
	family(fp, n, "gauge", "HJ 212 data flag of the last sample: 1 for "
	    "the current one (all 0 before the first sample).");
	for (i = 0, s = d->sensors; i < d->nsensor; i++, s++)
		for (f = hj212_flags; *f != '\0'; f++) {
			sensor_series(fp, n, s);
			label(fp, ",", "flag", (char[2]){ *f, 0 });
			fprintf(fp, "} %d\n", s->flag == *f);
		}
	n = "lakewatch_sensor_alert_firing";
	family(fp, n, "gauge", "1 while an alert rule of the sensor fires.");
	for (i = 0, s = d->sensors; i < d->nsensor; i++, s++) {
		sensor_series(fp, n, s);
		fprintf(fp, "} %d\n", s->firing != 0);
	}
}

/* the per bus counters, in struct bus_stats */
static const struct {
	const char	*name, *help;
	size_t		 off;
} bus_counters[] = {
	{ "lakewatch_bus_requests_total", "Modbus requests sent.",
	    offsetof(struct bus_stats, requests) },
	{ "lakewatch_bus_responses_total", "Requests answered well.",
	    offsetof(struct bus_stats, ok) },
	{ "lakewatch_bus_timeouts_total", "Requests not answered in time.",
	    offsetof(struct bus_stats, timeouts) },
	{ "lakewatch_bus_crc_errors_total",
	    "Replies with a bad CRC or malformed.",
	    offsetof(struct bus_stats, crc) },
	{ "lakewatch_bus_stray_replies_total",
	    "Replies to no request in flight, dropped.",
	    offsetof(struct bus_stats, stray) },
	{ "lakewatch_bus_reconnects_total", "Links opened again.",
	    offsetof(struct bus_stats, reconnects) },
	{ "lakewatch_bus_polls_total", "Scheduled polls.",
	    offsetof(struct bus_stats, polls) },
	{ "lakewatch_bus_late_polls_total",
	    "Polls that started more than 1 s late.",
	    offsetof(struct bus_stats, late) },
};

static void
bus_series(FILE *fp, const char *name, const struct metrics_bus *b,
    const char *suffix)
{
	fputs(name, fp);
	fputs(suffix, fp);
	label(fp, "{", "bus", b->name);
}

static void
bus_counts(FILE *fp, const struct metrics_data *d)
{
	const struct metrics_bus *b;
	const char *n;
	size_t i, j;
	int code;

	for (j = 0; j < sizeof(bus_counters) / sizeof(bus_counters[0]); j++) {
		n = bus_counters[j].name;
		family(fp, n, "counter", bus_counters[j].help);
		for (i = 0, b = d->buses; i < d->nbus; i++, b++) {
			bus_series(fp, n, b, "");
			fprintf(fp, "} %llu\n", (unsigned long long)
			    *(const uint64_t *)(const void *)
			    ((const char *)&b->st + bus_counters[j].off));
		}
	}
	n = "lakewatch_bus_exceptions_total";
	family(fp, n, "counter", "Modbus exception replies, by code.");
	for (i = 0, b = d->buses; i < d->nbus; i++, b++)
		for (code = 1; code < 12; code++) {
			bus_series(fp, n, b, "");
			fprintf(fp, ",code=\"%02x\"} %llu\n", code,
			    (unsigned long long)b->st.exceptions[code]);
		}
}

static void
bus_times(FILE *fp, const struct metrics_data *d)
{
	const struct metrics_bus *b;
	const char *n;
	size_t i;

	n = "lakewatch_bus_connected";
	family(fp, n, "gauge", "1 while the link is open.");
	for (i = 0, b = d->buses; i < d->nbus; i++, b++) {
		bus_series(fp, n, b, "");
		fprintf(fp, "} %d\n", b->st.connected != 0);
	}
	n = "lakewatch_bus_request_duration_seconds";
	family(fp, n, "summary", "Time from request to good reply.");
	for (i = 0, b = d->buses; i < d->nbus; i++, b++) {
		bus_series(fp, n, b, "_sum");
		fprintf(fp, "} %.9g\n", b->st.latency_sum);
		bus_series(fp, n, b, "_count");
		fprintf(fp, "} %llu\n", (unsigned long long)b->st.ok);
	}
	n = "lakewatch_bus_request_duration_max_seconds";
	family(fp, n, "gauge", "Longest time from request to good reply.");
	for (i = 0, b = d->buses; i < d->nbus; i++, b++) {
		bus_series(fp, n, b, "");
		fprintf(fp, "} %.9g\n", b->st.latency_max);
	}
	n = "lakewatch_bus_busy_seconds_total";
	family(fp, n, "counter", "Time spent in requests.");
	for (i = 0, b = d->buses; i < d->nbus; i++, b++) {
		bus_series(fp, n, b, "");
		fprintf(fp, "} %.9g\n", b->st.busy);
	}
}

static void
uplink_series(FILE *fp, const char *name, const char *type,
    const char *help, const struct metrics_data *d, size_t off)
{
	const struct metrics_uplink *u;
	size_t i;

	family(fp, name, type, help);
	for (i = 0, u = d->uplinks; i < d->nuplink; i++, u++) {
		fputs(name, fp);
		label(fp, "{", "uplink", u->name);
		if (off == offsetof(struct uplink_stats, connected))
			fprintf(fp, "} %d\n", u->st.connected != 0);
		else if (off == offsetof(struct uplink_stats, backlog))
			fprintf(fp, "} %zu\n", u->st.backlog);
		else if (off == offsetof(struct uplink_stats, last_ack))
			fprintf(fp, "} %lld\n", (long long)u->st.last_ack);
		else
			fprintf(fp, "} %llu\n", (unsigned long long)
			    *(const uint64_t *)(const void *)
			    ((const char *)&u->st + off));
	}
}

static void
uplinks(FILE *fp, const struct metrics_data *d)
{
	uplink_series(fp, "lakewatch_uplink_connected", "gauge",
	    "1 while connected to the platform.", d,
	    offsetof(struct uplink_stats, connected));
	uplink_series(fp, "lakewatch_uplink_backlog_packets", "gauge",
	    "Packets in the spool, not yet delivered.", d,
	    offsetof(struct uplink_stats, backlog));
	uplink_series(fp, "lakewatch_uplink_sent_packets_total", "counter",
	    "Packets written to the socket.", d,
	    offsetof(struct uplink_stats, sent));
	uplink_series(fp, "lakewatch_uplink_acked_packets_total", "counter",
	    "Packets the platform answered.", d,
	    offsetof(struct uplink_stats, acked));
	uplink_series(fp, "lakewatch_uplink_dropped_packets_total",
	    "counter", "Oldest packets dropped from a full spool.", d,
	    offsetof(struct uplink_stats, dropped));
	uplink_series(fp, "lakewatch_uplink_last_ack_timestamp_seconds",
	    "gauge", "When the platform last answered, Unix time (0: never).",
	    d, offsetof(struct uplink_stats, last_ack));
}

static void
one(FILE *fp, const char *name, const char *type, const char *help,
    unsigned long long v)
{
	family(fp, name, type, help);
	fprintf(fp, "%s %llu\n", name, v);
}

static void
daemon_figures(FILE *fp, const struct metrics_data *d)
{
	const struct core_stats *c = &d->core;

	family(fp, "lakewatch_build_info", "gauge", "Version, always 1.");
	fprintf(fp, "lakewatch_build_info{version=\"%s\"} 1\n", LW_VERSION);
	family(fp, "lakewatch_start_time_seconds", "gauge",
	    "When the daemon started, Unix time.");
	fprintf(fp, "lakewatch_start_time_seconds %.3f\n", d->started);
	one(fp, "lakewatch_samples_total", "counter", "Samples processed.",
	    c->samples);
	one(fp, "lakewatch_alerts_firing", "gauge", "Alert rules firing.",
	    c->firing);
	one(fp, "lakewatch_alert_events_total", "counter",
	    "Alert transitions filed.", c->events);
	one(fp, "lakewatch_samplelog_waiting_rows", "gauge",
	    "Sample log rows held until they can be written.", c->log_waiting);
	one(fp, "lakewatch_samplelog_dropped_rows_total", "counter",
	    "Sample log rows lost (more than sample_buffer).", c->log_dropped);
	one(fp, "lakewatch_queue_samples", "gauge",
	    "Samples queued from the buses to the core.", d->queue_depth);
	one(fp, "lakewatch_queue_dropped_samples_total", "counter",
	    "Samples dropped from a full queue.", d->queue_dropped);
}

static void
store_outbox(FILE *fp, const struct metrics_data *d)
{
	const struct store_stats *s = &d->core.store;

	family(fp, "lakewatch_store_up", "gauge",
	    "1 while the RRD backend takes writes.");
	fprintf(fp, "lakewatch_store_up{backend=\"%s\"} %d\n",
	    s->backend != NULL ? s->backend : "", !s->down);
	one(fp, "lakewatch_store_pending_values", "gauge",
	    "Values waiting for their RRD update.", s->pending);
	one(fp, "lakewatch_store_written_values_total", "counter",
	    "Values the RRD files (or rrdcached) took.", s->written);
	one(fp, "lakewatch_store_dropped_values_total", "counter",
	    "Unwritten values pushed out of a full buffer.", s->dropped);
	one(fp, "lakewatch_store_errors_total", "counter",
	    "RRD writes a file refused.", d->core.store_errors);
	one(fp, "lakewatch_outbox_events", "gauge",
	    "Alert events waiting for delivery, all webhooks.",
	    d->outbox.depth);
	one(fp, "lakewatch_outbox_sent_total", "counter",
	    "Alert events webhooks accepted.", d->outbox.sent);
	one(fp, "lakewatch_outbox_retries_total", "counter",
	    "Failed deliveries that will be tried again.", d->outbox.retries);
	one(fp, "lakewatch_outbox_deadletter_total", "counter",
	    "Alert events refused, moved to the dead letters.",
	    d->outbox.dead);
}

char *
metrics_text(const struct metrics_data *d, size_t *len)
{
	char *buf = NULL;
	FILE *fp;

	if ((fp = open_memstream(&buf, len)) == NULL)
		fatal("metrics");
	daemon_figures(fp, d);
	store_outbox(fp, d);
	sensor_values(fp, d);
	sensor_states(fp, d);
	bus_counts(fp, d);
	bus_times(fp, d);
	uplinks(fp, d);
	if (ferror(fp) || fclose(fp) != 0)
		fatal("metrics");
	return buf;
}

/*
 * The server (libmicrohttpd's thread)
 */

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned status, const char *text,
    size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)text,
	    mode);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CTYPE);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* A copy of the text, so the main thread can swap it at any time. */
static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct metrics *m = cls;
	char *copy = NULL;
	size_t len = 0;

	(void)version, (void)upload, (void)upload_size, (void)con_cls;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "only GET\n", 9, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics") != 0)
		return reply(conn, MHD_HTTP_NOT_FOUND, "see /metrics\n", 13,
		    MHD_RESPMEM_PERSISTENT);
	pthread_mutex_lock(&m->mu);
	if (m->text != NULL && (copy = malloc(m->len + 1)) != NULL) {
		memcpy(copy, m->text, m->len);
		len = m->len;
	}
	pthread_mutex_unlock(&m->mu);
	if (copy == NULL)
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no figures yet\n", 15, MHD_RESPMEM_PERSISTENT);
	return reply(conn, MHD_HTTP_OK, copy, len, MHD_RESPMEM_MUST_FREE);
}

/* MHD's own complaints (a client that went away...): for -v only */
static void __attribute__((format(printf, 2, 0)))
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_debug("metrics: %s", buf);
}

static int
server_start(struct metrics *m)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	    MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *di;
	struct sockaddr_storage ss;

	if (sockaddr_parse(m->addr, &ss) == -1)
		return -1;	/* conf_load checked it */
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	m->mhd = MHD_start_daemon(flags, 0, NULL, NULL, answer, m,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
	if (m->mhd == NULL)
		return -1;
	di = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(m->bound, sizeof(m->bound), "%.*s:%u",
	    (int)(strrchr(m->addr, ':') - m->addr), m->addr,
	    di != NULL ? (unsigned)di->port : 0);
	return 0;
}

/* Listen, or say once that it cannot and try again in RETRY s. */
static void
server_try(struct metrics *m)
{
	int e;

	errno = 0;
	if (server_start(m) == 0) {
		log_info("metrics: serving http://%s/metrics", m->bound);
		m->failed = 0;
		return;
	}
	e = errno;
	if (!m->failed)
		log_warnx("metrics: cannot listen on %s%s%s; trying again "
		    "every %d s", m->addr, e ? ": " : "", e ? strerror(e) :
		    "", RETRY);
	m->failed = 1;
	m->retry_at = time(NULL) + RETRY;
}

static void
server_stop(struct metrics *m)
{
	if (m->mhd != NULL)
		MHD_stop_daemon(m->mhd);
	m->mhd = NULL;
	m->bound[0] = '\0';
}

/* Give the server TEXT; the one it had is freed. */
static void
swap_text(struct metrics *m, char *text, size_t len)
{
	char *old;

	pthread_mutex_lock(&m->mu);
	old = m->text;
	m->text = text;
	m->len = len;
	pthread_mutex_unlock(&m->mu);
	free(old);
}

struct metrics *
metrics_start(const struct conf *c)
{
	struct metrics *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatal("metrics");
	if ((errno = pthread_mutex_init(&m->mu, NULL)) != 0)
		fatal("metrics");
	metrics_reconf(m, c);
	return m;
}

void
metrics_reconf(struct metrics *m, const struct conf *c)
{
	if (m->addr == NULL ? c->metrics == NULL :
	    c->metrics != NULL && strcmp(m->addr, c->metrics) == 0)
		return;
	server_stop(m);
	free(m->addr);
	m->addr = c->metrics != NULL ? xstrdup(c->metrics) : NULL;
	m->failed = 0;
	swap_text(m, NULL, 0);	/* figures of another config */
	if (m->addr != NULL)
		server_try(m);
}

/* the sensors of the running daemon, as status_write reads them */
static struct metrics_sensor *
gather_sensors(const struct conf *c, const struct core *core)
{
	const struct conf_sensor *sc;
	struct metrics_sensor *ms;
	struct sample s;
	size_t i;
	int firing;

	if ((ms = calloc(c->nsensor + 1, sizeof(*ms))) == NULL)
		fatal("metrics");
	for (i = 0; i < c->nsensor; i++) {
		sc = &c->sensors[i];
		core_last(core, (int)i, &s, &firing);
		ms[i] = (struct metrics_sensor){ sc->name, sc->site,
		    gb3838_param_name(sc->parameter), s.flag, s.flag != 0 ?
		    gb3838_round(s.value, sc->decimals) : NAN, s.t,
		    sample_valid(&s) ? gb3838_class(sc->parameter,
		    sc->water_body, s.value, sc->decimals) : 0, firing };
	}
	return ms;
}

static struct metrics_bus *
gather_buses(const struct conf *c, struct bus *const *buses)
{
	struct metrics_bus *mb;
	size_t i;

	if ((mb = calloc(c->nbus + 1, sizeof(*mb))) == NULL)
		fatal("metrics");
	for (i = 0; i < c->nbus; i++) {
		mb[i].name = c->buses[i].name;
		bus_stats(buses[i], &mb[i].st);
	}
	return mb;
}

static struct metrics_uplink *
gather_uplinks(const struct conf *c, struct uplinks *up)
{
	struct metrics_uplink *mu;
	size_t i;

	if ((mu = calloc(c->nuplink + 1, sizeof(*mu))) == NULL)
		fatal("metrics");
	for (i = 0; i < c->nuplink; i++) {
		mu[i].name = c->uplinks[i].name;
		uplinks_stats(up, i, &mu[i].st);
	}
	return mu;
}

void
metrics_update(struct metrics *m, const struct conf *c,
    struct bus *const *buses, const struct core *core, struct notify *n,
    struct queue *q, struct uplinks *up, double started)
{
	struct metrics_data d = { .started = started };
	struct metrics_sensor *ms;
	struct metrics_bus *mb;
	struct metrics_uplink *mu;
	char *text;
	size_t len;

	if (m->addr == NULL)
		return;
	if (m->mhd == NULL && time(NULL) >= m->retry_at)
		server_try(m);
	if (m->mhd == NULL)
		return;
	d.sensors = ms = gather_sensors(c, core);
	d.nsensor = c->nsensor;
	d.buses = mb = gather_buses(c, buses);
	d.nbus = c->nbus;
	d.uplinks = mu = gather_uplinks(c, up);
	d.nuplink = c->nuplink;
	core_stats(core, &d.core);
	notify_stats(n, &d.outbox);
	d.queue_depth = queue_depth(q);
	d.queue_dropped = queue_drops(q);
	text = metrics_text(&d, &len);
	free(ms);
	free(mb);
	free(mu);
	swap_text(m, text, len);
}

const char *
metrics_addr(const struct metrics *m)
{
	return m != NULL && m->mhd != NULL ? m->bound : NULL;
}

void
metrics_stop(struct metrics *m)
{
	if (m == NULL)
		return;
	server_stop(m);
	free(m->addr);
	free(m->text);
	pthread_mutex_destroy(&m->mu);
	free(m);
}
