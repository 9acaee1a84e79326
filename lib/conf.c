/* conf.c: lakewatch.conf (inih) -> struct conf, with FILE:LINE errors */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "../drivers/driver.h"
#include "conf.h"
#include "conftab.h"
#include "hj212.h"
#include "hj212_sm4.h"
#include "log.h"
#include "util.h"

enum section { SEC_NONE, SEC_DAEMON, SEC_ALERT, SEC_BUS, SEC_SENSOR,
	SEC_WEBHOOK, SEC_UPLINK };
enum ktype { K_STR, K_INT, K_DBL, K_DUR, K_ENUM, K_CLASS, K_DRIVER,
	K_PARAM, K_WATER, K_PARITY, K_LEVEL, K_SECRETFILE, K_MENTION,
	K_KEYWORD, K_ADDR, K_DUR_OFF, K_MIN_OFF };

/* One key of a section: where it goes in the section's struct. */
struct key {
	const char		*name;
	enum ktype		 type;
	size_t			 off;
	size_t			 size;
	double			 min, max;	/* K_INT, K_DBL, K_DUR */
	const char *const	*names;		/* K_ENUM */
};

const char *const conf_bus_types[] = { "tcp", "rtu", NULL };
const char *const conf_fn_names[] = { "holding", "input", NULL };
const char *const conf_type_names[] = { "float32", "int16", "uint16",
	"int32", "uint32", NULL };
const char *const conf_order_names[] = { "abcd", "cdab", "badc", "dcba",
	NULL };
const char *const conf_smap_names[] = { "none", "i12101", "ascii", "vendor",
	NULL };
const char *const conf_ttype_names[] = { "unix32", "bcd", NULL };
const char *const conf_newres_names[] = { "every", "change", "time",
	NULL };
const char *const conf_sampling_names[] = { "continuous", "manual",
	NULL };
const char *const conf_fmt_names[] = { "json", "alertmanager", "slack",
	"dingtalk", "wecom", "feishu", NULL };
const char *const conf_msgtype_names[] = { "text", "markdown", NULL };
const char *const conf_uplink_protos[] = { "hj212", "hj212-2025", "hj1404",
	NULL };
const char *const conf_onoff_names[] = { "off", "on", NULL };
const char *const conf_yesno_names[] = { "no", "yes", NULL };

#define F(st, m)	offsetof(struct st, m), sizeof(((struct st *)0)->m)

static const struct key daemon_keys[] = {
	{ "state_dir", K_STR, F(conf, state_dir), 0, 0, NULL },
	{ "interval", K_INT, F(conf, interval), 1, 86400, NULL },
	{ "rrdcached", K_STR, F(conf, rrdcached), 0, 0, NULL },
	{ "metrics", K_ADDR, F(conf, metrics), 0, 0, NULL },
	{ "station", K_STR, F(conf, station), 0, 0, NULL },
	{ "store_buffer", K_INT, F(conf, store_buffer), 1000, 100000000,
	    NULL },
	{ "sample_buffer", K_INT, F(conf, sample_buffer), 0, 10000000,
	    NULL },
	{ "log_level", K_LEVEL, F(conf, log_level), 0, 0, NULL },
	{ "store_batch", K_DUR, F(conf, store_batch), 0, 3600, NULL },
	{ "timezone", K_STR, F(conf, timezone), 0, 0, NULL },
	{ "www_dir", K_STR, F(conf, www_dir), 0, 0, NULL },
	{ "day_min_fraction", K_DBL, F(conf, day_min_fraction), 0, 1, NULL },
	{ "month_min_fraction", K_DBL, F(conf, month_min_fraction), 0, 1,
	    NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL }
};

/* the alert keys, in [alert] (into conf.alert) and [sensor] (its .alert) */
#define ALERT_KEYS(st)							\
	{ "warn", K_DBL, F(st, alert.warn), -1e9, 1e9, NULL },		\
	{ "crit", K_DBL, F(st, alert.crit), -1e9, 1e9, NULL },		\
	{ "for", K_DUR, F(st, alert.for_s), 0, 7 * 86400, NULL },	\
	{ "for_count", K_INT, F(st, alert.for_count), 0, 1000, NULL },	\
	{ "clear_for", K_DUR, F(st, alert.clear_for), 0, 7 * 86400,	\
	    NULL },							\
	{ "clear_count", K_INT, F(st, alert.clear_count), 0, 1000,	\
	    NULL },							\
	{ "stale_after", K_DUR, F(st, alert.stale_after), 1,		\
	    30 * 86400, NULL },						\
	{ "comm_after", K_INT, F(st, alert.comm_after), 1, 1000, NULL },\
	{ "fault_after", K_INT, F(st, alert.fault_after), 1, 1000,	\
	    NULL },							\
	{ "flap_limit", K_INT, F(st, alert.flap_limit), 2, FLAP_MAX - 1,\
	    NULL },							\
	{ "flap_window", K_DUR, F(st, alert.flap_window), 1,		\
	    7 * 86400, NULL },						\
	{ "grace", K_DUR, F(st, alert.grace), 0, 86400, NULL },		\
	{ "cumulative", K_ENUM, F(st, alert.cumulative), 0, 0,		\
	    conf_onoff_names }

static const struct key alert_keys[] = {
	ALERT_KEYS(conf),
	{ NULL, 0, 0, 0, 0, 0, NULL }
};

static const struct key bus_keys[] = {
	{ "type", K_ENUM, F(conf_bus, type), 0, 0, conf_bus_types },
	{ "device", K_STR, F(conf_bus, device), 0, 0, NULL },
	{ "baud", K_INT, F(conf_bus, baud), 300, 4000000, NULL },
	{ "parity", K_PARITY, F(conf_bus, parity), 0, 0, NULL },
	{ "data_bits", K_INT, F(conf_bus, data_bits), 5, 8, NULL },
	{ "stop_bits", K_INT, F(conf_bus, stop_bits), 1, 2, NULL },
	{ "host", K_STR, F(conf_bus, host), 0, 0, NULL },
	{ "port", K_INT, F(conf_bus, port), 1, 65535, NULL },
	{ "timeout", K_DUR, F(conf_bus, timeout), 0.01, 60, NULL },
	{ "gap", K_DUR, F(conf_bus, gap), 0, 10, NULL },
	{ "backoff_max", K_DUR, F(conf_bus, backoff_max), 1, 3600, NULL },
	{ "retries", K_INT, F(conf_bus, retries), 0, 10, NULL },
	{ "merge_hole", K_INT, F(conf_bus, merge_hole), 0, 124, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL }
};

static const struct key sensor_keys[] = {
	{ "bus", K_STR, F(conf_sensor, bus_name), 0, 0, NULL },
	{ "unit", K_INT, F(conf_sensor, unit), 0, 255, NULL },
	{ "driver", K_DRIVER, F(conf_sensor, driver), 0, 0, NULL },
	{ "parameter", K_PARAM, F(conf_sensor, parameter), 0, 0, NULL },
	{ "register", K_INT, F(conf_sensor, reg), 0, 65535, NULL },
	{ "function", K_ENUM, F(conf_sensor, function), 0, 0, conf_fn_names },
	{ "type", K_ENUM, F(conf_sensor, type), 0, 0, conf_type_names },
	{ "word_order", K_ENUM, F(conf_sensor, order), 0, 0, conf_order_names },
	{ "scale", K_DBL, F(conf_sensor, scale), -1e9, 1e9, NULL },
	{ "offset", K_DBL, F(conf_sensor, offset), -1e9, 1e9, NULL },
	{ "status_register", K_INT, F(conf_sensor, status_reg), 0, 65535,
	    NULL },
	{ "status_map", K_ENUM, F(conf_sensor, status_map), 0, 0,
	    conf_smap_names },
	{ "range_min", K_DBL, F(conf_sensor, range_min), -1e9, 1e9, NULL },
	{ "range_max", K_DBL, F(conf_sensor, range_max), -1e9, 1e9, NULL },
	{ "plausible_min", K_DBL, F(conf_sensor, plausible_min), -1e9, 1e9,
	    NULL },
	{ "plausible_max", K_DBL, F(conf_sensor, plausible_max), -1e9, 1e9,
	    NULL },
	{ "unit_label", K_STR, F(conf_sensor, unit_label), 0, 0, NULL },
	{ "site", K_STR, F(conf_sensor, site), 0, 0, NULL },
	{ "water_body", K_WATER, F(conf_sensor, water_body), 0, 0, NULL },
	{ "target_class", K_CLASS, F(conf_sensor, target_class), 0, 0, NULL },
	{ "interval", K_INT, F(conf_sensor, interval), 1, 86400, NULL },
	{ "decimals", K_INT, F(conf_sensor, decimals), 0, 6, NULL },
	{ "hysteresis", K_DBL, F(conf_sensor, hysteresis), 0, 1e9, NULL },
	{ "time_register", K_INT, F(conf_sensor, time_reg), 0, 65535, NULL },
	{ "time_type", K_ENUM, F(conf_sensor, time_type), 0, 0,
	    conf_ttype_names },
	{ "new_result", K_ENUM, F(conf_sensor, new_result), 0, 0,
	    conf_newres_names },
	{ "cycle", K_DUR, F(conf_sensor, cycle), 1, 7 * 86400, NULL },
	{ "hj212_code", K_STR, F(conf_sensor, hj212_code), 0, 0, NULL },
	{ "sampling", K_ENUM, F(conf_sensor, sampling), 0, 0,
	    conf_sampling_names },
	{ "day_min_fraction", K_DBL, F(conf_sensor, day_min_fraction), 0, 1,
	    NULL },
	{ "month_min_fraction", K_DBL, F(conf_sensor, month_min_fraction), 0,
	    1, NULL },
	ALERT_KEYS(conf_sensor),
	{ NULL, 0, 0, 0, 0, 0, NULL }
};

/* a sensor's keys are tracked in one bit each of an unsigned long */
_Static_assert(sizeof(sensor_keys) / sizeof(sensor_keys[0]) <=
    8 * sizeof(unsigned long), "too many sensor keys");

static const struct key webhook_keys[] = {
	{ "url", K_STR, F(conf_webhook, url), 0, 0, NULL },
	{ "format", K_ENUM, F(conf_webhook, format), 0, 0, conf_fmt_names },
	{ "secret", K_STR, F(conf_webhook, secret), 0, 0, NULL },
	{ "secret_file", K_SECRETFILE, F(conf_webhook, secret), 0, 0, NULL },
	{ "timeout", K_DUR, F(conf_webhook, timeout), 0.1, 300, NULL },
	{ "ca_file", K_STR, F(conf_webhook, ca_file), 0, 0, NULL },
	{ "msgtype", K_ENUM, F(conf_webhook, msgtype), 0, 0,
	    conf_msgtype_names },
	{ "mention", K_MENTION, F(conf_webhook, mention), 0, 0, NULL },
	{ "keyword", K_KEYWORD, F(conf_webhook, keyword), 0, 0, NULL },
	{ "max_outbox", K_INT, F(conf_webhook, max_outbox), 1, 10000000,
	    NULL },
	{ "max_inflight", K_INT, F(conf_webhook, max_inflight), 1, 64, NULL },
	{ "rate_limit", K_STR, F(conf_webhook, rate_str), 0, 0, NULL },
	{ "resend", K_DUR, F(conf_webhook, resend), 5, 3600, NULL },
	{ "resolve_timeout", K_DUR, F(conf_webhook, resolve_timeout), 10,
	    86400, NULL },
	{ "generator_url", K_STR, F(conf_webhook, generator_url), 0, 0,
	    NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL }
};

static const struct key uplink_keys[] = {
	{ "protocol", K_ENUM, F(conf_uplink, protocol), 0, 0,
	    conf_uplink_protos },
	{ "host", K_STR, F(conf_uplink, host), 0, 0, NULL },
	{ "port", K_INT, F(conf_uplink, port), 1, 65535, NULL },
	{ "mn", K_STR, F(conf_uplink, mn), 0, 0, NULL },
	{ "pw", K_STR, F(conf_uplink, pw), 0, 0, NULL },
	{ "st", K_INT, F(conf_uplink, st), 1, 99, NULL },
	{ "realtime", K_DUR_OFF, F(conf_uplink, realtime), 1, 3600, NULL },
	{ "minute", K_MIN_OFF, F(conf_uplink, minute), 1, 60, NULL },
	{ "hourly", K_ENUM, F(conf_uplink, hourly), 0, 0, conf_onoff_names },
	{ "daily", K_ENUM, F(conf_uplink, daily), 0, 0, conf_onoff_names },
	{ "ack", K_ENUM, F(conf_uplink, ack), 0, 0, conf_yesno_names },
	{ "timeout", K_DUR, F(conf_uplink, timeout), 0.1, 600, NULL },
	{ "retries", K_INT, F(conf_uplink, retries), 0, 100, NULL },
	{ "period", K_DUR, F(conf_uplink, period), 10, 86400, NULL },
	{ "sm4_key_file", K_SECRETFILE, F(conf_uplink, sm4_key), 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL }
};

struct parse {
	struct conf	*c;
	const char	*file;
	FILE		*fp;
	int		 line;		/* line last read */
	int		 at_bol;
	enum section	 sec;
	void		*obj;		/* struct of the current section */
	const struct key *keys;
	unsigned long	*seen;		/* bit per key of the current object */
	unsigned long	*sensor_seen;	/* one word per sensor */
	int		 failed;
	char		*err;
};

static void perr(struct parse *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
perr(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = 1;
	n = snprintf(p->err, LW_ERRLEN, "%s:%d: ", p->file, line);
	if (n < 0 || n >= LW_ERRLEN)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, LW_ERRLEN - n, fmt, ap);
	va_end(ap);
}

static void *
grow(void *arr, size_t *n, size_t size)
{
	char *a = realloc(arr, (*n + 1) * size);

	if (a == NULL)
		fatal("conf");
	memset(a + *n * size, 0, size);
	(*n)++;
	return a;
}

static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 64)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n && s[0] != '.';
}

/* [alert] keys the file does not set: the rules every sensor inherits */
static void
alert_defaults(struct alert_conf *a)
{
	*a = (struct alert_conf){ .warn = NAN, .crit = NAN,
	    .for_count = 1, .clear_count = 1, .comm_after = 3,
	    .fault_after = 1, .flap_limit = 6, .flap_window = 3600,
	    .cumulative = 1 };
}

/* [daemon] keys the file does not set; also without a [daemon] section */
static void
daemon_defaults(struct conf *c)
{
	c->interval = 60;
	c->store_batch = -1;		/* store_batch_default */
	c->store_buffer = 100000;
	c->sample_buffer = 100000;
	c->log_level = LOG_LVL_INFO;
	c->timezone = xstrdup("Asia/Shanghai");
	c->day_min_fraction = 0.667;
	c->month_min_fraction = 0.667;
	alert_defaults(&c->alert);
}

/* -1 marks what check_bus resolves from the bus type */
static void
bus_defaults(struct conf_bus *b)
{
	b->type = -1;
	b->baud = 9600;
	b->parity = 'N';
	b->data_bits = 8;
	b->stop_bits = 1;
	b->port = 502;
	b->timeout = 1;
	b->gap = -1;
	b->backoff_max = 60;
	b->retries = 2;
	b->merge_hole = 8;
}

/* -1 and NAN mark what apply_driver and check_sensor resolve */
static void
sensor_defaults(struct conf_sensor *s)
{
	s->bus = -1;
	s->unit = 1;
	s->driver = driver_find("generic");
	s->reg = -1;
	s->function = 0;
	s->scale = 1;
	s->status_reg = -1;
	s->status_map = -1;
	s->range_min = s->range_max = NAN;
	s->plausible_min = s->plausible_max = NAN;
	s->water_body = WATER_LAKE;
	s->target_class = 3;
	s->decimals = -1;
	s->time_reg = -1;
	s->new_result = -1;
	s->day_min_fraction = s->month_min_fraction = NAN;
}

/* MSG_DEFAULT and a NULL rate_str are resolved by check_webhook */
static void
webhook_defaults(struct conf_webhook *w)
{
	w->timeout = 5;
	w->msgtype = MSG_DEFAULT;
	w->max_outbox = 10000;
	w->max_inflight = 64;
	w->resend = 60;
	w->resolve_timeout = 300;
}

/* [daemon], [alert]: keys of struct conf itself, defaults set already */
static void *
open_conf(struct parse *p, const char *name)
{
	(void)name;
	return p->c;
}

static void *
open_bus(struct parse *p, const char *name)
{
	struct conf *c = p->c;
	struct conf_bus *b;

	if (conf_bus_find(c, name) != -1) {
		perr(p, p->line, "duplicate bus '%s'", name);
		return NULL;
	}
	c->buses = grow(c->buses, &c->nbus, sizeof(*c->buses));
	b = &c->buses[c->nbus - 1];
	b->name = xstrdup(name);
	b->line = p->line;
	bus_defaults(b);
	return b;
}

/* A sensor also gets its word of keys seen (apply_driver, inherit_alert) */
static void *
open_sensor(struct parse *p, const char *name)
{
	struct conf *c = p->c;
	struct conf_sensor *s;
	size_t i;

	if (conf_sensor_find(c, name) != -1) {
		perr(p, p->line, "duplicate sensor '%s'", name);
		return NULL;
	}
	i = c->nsensor;
	c->sensors = grow(c->sensors, &c->nsensor, sizeof(*c->sensors));
	p->sensor_seen = realloc(p->sensor_seen,
	    c->nsensor * sizeof(*p->sensor_seen));
	if (p->sensor_seen == NULL)
		fatal("conf");
	p->sensor_seen[i] = 0;
	p->seen = &p->sensor_seen[i];
	s = &c->sensors[i];
	s->name = xstrdup(name);
	s->line = p->line;
	sensor_defaults(s);
	return s;
}

static void *
open_webhook(struct parse *p, const char *name)
{
	struct conf *c = p->c;
	struct conf_webhook *w;
	size_t i;

	for (i = 0; i < c->nwebhook; i++)
		if (strcmp(c->webhooks[i].name, name) == 0) {
			perr(p, p->line, "duplicate webhook '%s'", name);
			return NULL;
		}
	c->webhooks = grow(c->webhooks, &c->nwebhook, sizeof(*c->webhooks));
	w = &c->webhooks[c->nwebhook - 1];
	w->name = xstrdup(name);
	w->line = p->line;
	webhook_defaults(w);
	return w;
}

/* HJ 212-2017 defaults: ST 21 surface water; hourly data, answered */
static void
uplink_defaults(struct conf_uplink *u)
{
	u->protocol = UPLINK_HJ212;
	u->port = -1;
	u->st = 21;
	u->hourly = 1;
	u->daily = 1;
	u->ack = 1;
	u->timeout = 10;
	u->retries = 3;
	u->period = 3600;
}

static void *
open_uplink(struct parse *p, const char *name)
{
	struct conf *c = p->c;
	struct conf_uplink *u;
	size_t i;

	for (i = 0; i < c->nuplink; i++)
		if (strcmp(c->uplinks[i].name, name) == 0) {
			perr(p, p->line, "duplicate uplink '%s'", name);
			return NULL;
		}
	c->uplinks = grow(c->uplinks, &c->nuplink, sizeof(*c->uplinks));
	u = &c->uplinks[c->nuplink - 1];
	u->name = xstrdup(name);
	u->line = p->line;
	uplink_defaults(u);
	return u;
}

/* The kinds of section: "[daemon]" has no name, "[bus NAME]" has one. */
static const struct section_kind {
	const char	*kind;
	enum section	 sec;
	int		 named;
	const struct key *keys;
	void		*(*open)(struct parse *, const char *name);
} section_kinds[] = {
	{ "daemon", SEC_DAEMON, 0, daemon_keys, open_conf },
	{ "alert", SEC_ALERT, 0, alert_keys, open_conf },
	{ "bus", SEC_BUS, 1, bus_keys, open_bus },
	{ "sensor", SEC_SENSOR, 1, sensor_keys, open_sensor },
	{ "webhook", SEC_WEBHOOK, 1, webhook_keys, open_webhook },
	{ "uplink", SEC_UPLINK, 1, uplink_keys, open_uplink },
	{ NULL, SEC_NONE, 0, NULL, NULL }
};

/* "kind NAME]" -> "kind" in HDR and NAME (NULL if none), trimmed */
static int
split_header(struct parse *p, char *hdr, char **namep)
{
	char *end = strchr(hdr, ']'), *name;
	size_t n;

	if (end == NULL) {
		perr(p, p->line, "section header without ']'");
		return -1;
	}
	*end = '\0';
	name = strchr(hdr, ' ');
	if (name != NULL) {
		*name++ = '\0';
		name += strspn(name, " \t");
		for (n = strlen(name); n > 0 && strchr(" \t", name[n - 1]);
		    n--)
			name[n - 1] = '\0';
	}
	*namep = name;
	return 0;
}

/* "[bus NAME]": make the section's object, reject unknown or repeated. */
static void
section_open(struct parse *p, char *hdr)
{
	const struct section_kind *k;
	char *name;
	void *obj;

	if (split_header(p, hdr, &name) == -1)
		return;
	p->seen = NULL;
	for (k = section_kinds; k->kind != NULL; k++)
		if (strcmp(k->kind, hdr) == 0 && k->named == (name != NULL))
			break;
	if (k->kind == NULL) {
		perr(p, p->line, "unknown section '%s%s%s'", hdr,
		    name ? " " : "", name ? name : "");
		return;
	}
	if (k->named && !name_ok(name)) {
		perr(p, p->line, "bad %s name '%s' (use letters, digits, "
		    "'-', '_', '.'; at most 63)", hdr, name);
		return;
	}
	if ((obj = k->open(p, name)) == NULL)
		return;
	p->sec = k->sec;
	p->obj = obj;
	p->keys = k->keys;
}

/*
 * inih hands us no line numbers (Debian builds it without
 * INI_HANDLER_LINENO), so we read the lines for it, count them, and see
 * the section headers ourselves.
 */
static char *
reader(char *buf, int num, void *stream)
{
	struct parse *p = stream;
	char *s, hdr[256];
	size_t n;

	if (p->failed || fgets(buf, num, p->fp) == NULL)
		return NULL;
	p->line++;
	if (strchr(buf, '\n') == NULL && !feof(p->fp)) {
		perr(p, p->line, "line longer than %d characters", num - 2);
		return NULL;
	}
	s = buf + strspn(buf, " \t");
	if (p->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	/* no continuation lines: an indented key is a key */
	n = strlen(s);
	memmove(buf, s, n + 1);
	if (*buf == '[') {
		snprintf(hdr, sizeof(hdr), "%s", buf + 1);
		hdr[strcspn(hdr, "\r\n")] = '\0';
		section_open(p, hdr);
	} else if (*buf != '\0' && strchr(";#\r\n", *buf) == NULL &&
	    strpbrk(buf, "=:") == NULL) {
		perr(p, p->line, "syntax error (expected 'key = value' or "
		    "'[section]')");
		return NULL;
	}
	return buf;
}

static int
set_number(struct parse *p, const struct key *k, void *dst, const char *v)
{
	char *end;
	double d;
	long l;
	int hex;

	if (k->type == K_DUR) {
		if (conf_duration(v, &d) == -1 || d < k->min || d > k->max) {
			perr(p, p->line, "%s: bad duration '%s' (%g to %g s; "
			    "suffix ms, s, m or h)", k->name, v, k->min, k->max);
			return -1;
		}
		*(double *)dst = d;
		return 0;
	}
	errno = 0;
	if (k->type == K_INT) {
		/* decimal, or 0x hex; never octal: "010" is ten */
		hex = strncasecmp(v, "0x", 2) == 0;
		l = strtol(v + 2 * hex, &end, hex ? 16 : 10);
		if (errno || end == v + 2 * hex || *end || l < k->min ||
		    l > k->max) {
			perr(p, p->line, "%s: bad number '%s' (an integer "
			    "from %g to %g)", k->name, v, k->min, k->max);
			return -1;
		}
		*(int *)dst = (int)l;
		return 0;
	}
	d = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(d) || d < k->min ||
	    d > k->max) {
		perr(p, p->line, "%s: bad number '%s'", k->name, v);
		return -1;
	}
	*(double *)dst = d;
	return 0;
}

/*
 * "off" (0) or a period of uplink data: realtime a duration in whole
 * seconds, minute a number of minutes. Periods start on Beijing
 * midnight, so a realtime interval divides a day and a minute count
 * divides an hour.
 */
static int
set_off(struct parse *p, const struct key *k, void *dst, const char *v)
{
	char *end;
	double d;
	long m;

	if (strcasecmp(v, "off") == 0) {
		if (k->type == K_DUR_OFF)
			*(double *)dst = 0;
		else
			*(int *)dst = 0;
		return 0;
	}
	if (k->type == K_DUR_OFF) {
		if (conf_duration(v, &d) == -1 || d < k->min || d > k->max ||
		    d != floor(d) || 86400 % (long)d != 0) {
			perr(p, p->line, "%s: bad value '%s' (off, or whole "
			    "seconds from %g to %g that divide a day: 30s, "
			    "1m, 5m)", k->name, v, k->min, k->max);
			return -1;
		}
		*(double *)dst = d;
		return 0;
	}
	errno = 0;
	m = strtol(v, &end, 10);
	if (errno || end == v || *end || m < k->min || m > k->max ||
	    60 % m != 0) {
		perr(p, p->line, "%s: bad value '%s' (off, or minutes from "
		    "%g to %g that divide an hour: 1, 5, 10, 15, 30, 60)",
		    k->name, v, k->min, k->max);
		return -1;
	}
	*(int *)dst = (int)m;
	return 0;
}

static int
set_enum(struct parse *p, const struct key *k, int *dst, const char *v)
{
	int i;

	for (i = 0; k->names[i] != NULL; i++)
		if (strcasecmp(v, k->names[i]) == 0) {
			*dst = i;
			return 0;
		}
	perr(p, p->line, "%s: unknown value '%s'", k->name, v);
	return -1;
}

static int
read_secret(struct parse *p, const char *key, char **dst, const char *file)
{
	char path[PATH_MAX], buf[512];
	struct stat st;
	ssize_t n;
	int fd;

	if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", p->c->dir, file);
	/* non-blocking: a FIFO or a device must not hang a (re)load */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1) {
		perr(p, p->line, "%s '%s': %s", key, path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		perr(p, p->line, "%s '%s' is not a regular file", key, path);
		close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		perr(p, p->line, "%s '%s' is readable by others "
		    "(mode %03o); chmod 600 it", key, path, st.st_mode & 0777);
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n == -1) {
		perr(p, p->line, "%s '%s': %s", key, path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	free(*dst);
	*dst = xstrdup(buf);
	return 0;
}

/* S is valid UTF-8 (RFC 3629: no overlong form, surrogate, > U+10FFFF) */
static int
utf8_ok(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo, hi;
	size_t n, i;

	while (*u != '\0') {
		if (*u < 0x80) {
			u++;
			continue;
		}
		if (*u < 0xc2 || *u > 0xf4)
			return 0;
		n = *u < 0xe0 ? 2 : *u < 0xf0 ? 3 : 4;
		lo = *u == 0xe0 ? 0xa0 : *u == 0xf0 ? 0x90 : 0x80;
		hi = *u == 0xed ? 0x9f : *u == 0xf4 ? 0x8f : 0xbf;
		if (u[1] < lo || u[1] > hi)
			return 0;
		for (i = 2; i < n; i++)
			if ((u[i] & 0xc0) != 0x80)
				return 0;
		u += n;
	}
	return 1;
}

/* keyword: what DingTalk's "custom keyword" security looks for */
static int
set_keyword(struct parse *p, const struct key *k, char **dst, const char *v)
{
	if (strlen(v) > WH_KEYWORD_MAX || !utf8_ok(v)) {
		perr(p, p->line, "%s: bad value '%s' (at most %d bytes of "
		    "UTF-8)", k->name, v, WH_KEYWORD_MAX);
		return -1;
	}
	free(*dst);
	*dst = v[0] ? xstrdup(v) : NULL;
	return 0;
}

/* "13800000000", "+8613800000000": digits after an optional '+' */
static int
mobile_ok(const char *s)
{
	size_t n = strlen(s), plus = s[0] == '+';

	return n >= WH_MOBILE_MIN && n <= WH_MOBILE_MAX &&
	    strspn(s + plus, "0123456789") == n - plus;
}

/* One entry S of a mention list (a mobile number or "all") into M. */
static int
mention_add(struct parse *p, const struct key *k, struct wh_mention *m,
    const char *s)
{
	int all = strcasecmp(s, "all") == 0;
	size_t i;

	if (!all && !mobile_ok(s)) {
		perr(p, p->line, "%s: bad entry '%s' (all, or a mobile number: "
		    "%d to %d characters, digits after an optional '+')",
		    k->name, s, WH_MOBILE_MIN, WH_MOBILE_MAX);
		return -1;
	}
	for (i = 0; i < m->nmobile && strcmp(m->mobile[i], s) != 0; i++)
		;
	if ((all && m->all) || i < m->nmobile) {
		perr(p, p->line, "%s: '%s' given twice", k->name, s);
		return -1;
	}
	if (m->nmobile + (size_t)m->all >= WH_MENTION_MAX) {
		perr(p, p->line, "%s: more than %d entries", k->name,
		    WH_MENTION_MAX);
		return -1;
	}
	if (all)
		m->all = 1;
	else {
		m->mobile = grow(m->mobile, &m->nmobile, sizeof(*m->mobile));
		m->mobile[m->nmobile - 1] = xstrdup(s);
	}
	return 0;
}

/*
 * mention = "13800000000, all": added to what earlier mention lines of
 * the section gave (one line holds about 15 mobile numbers).
 */
static int
set_mention(struct parse *p, const struct key *k, struct wh_mention *m,
    const char *v)
{
	char *list = xstrdup(v), *s, *next;
	size_t n;
	int rc = 0;

	for (s = list; rc == 0 && s != NULL && *v != '\0'; s = next) {
		if ((next = strchr(s, ',')) != NULL)
			*next++ = '\0';
		s += strspn(s, " \t");
		for (n = strlen(s); n > 0 && strchr(" \t", s[n - 1]); n--)
			s[n - 1] = '\0';
		rc = mention_add(p, k, m, s);
	}
	free(list);
	return rc;
}

/* metrics = 127.0.0.1:9471; "off" or empty: none */
static int
set_addr(struct parse *p, const struct key *k, char **dst, const char *v)
{
	free(*dst);
	*dst = NULL;
	if (v[0] == '\0' || strcasecmp(v, "off") == 0)
		return 0;
	if (sockaddr_parse(v, NULL) == -1) {
		perr(p, p->line, "%s: bad address '%s' (an IP address and a "
		    "port: 127.0.0.1:9471, [::1]:9471)", k->name, v);
		return -1;
	}
	*dst = xstrdup(v);
	return 0;
}

static int
set_key(struct parse *p, const struct key *k, void *dst, const char *v)
{
	int i;

	switch (k->type) {
	case K_STR:
		free(*(char **)dst);
		*(char **)dst = v[0] ? xstrdup(v) : NULL;
		return 0;
	case K_INT: case K_DBL: case K_DUR:
		return set_number(p, k, dst, v);
	case K_ENUM:
		return set_enum(p, k, dst, v);
	case K_SECRETFILE:
		return read_secret(p, k->name, dst, v);
	case K_MENTION:
		return set_mention(p, k, dst, v);
	case K_KEYWORD:
		return set_keyword(p, k, dst, v);
	case K_ADDR:
		return set_addr(p, k, dst, v);
	case K_DUR_OFF: case K_MIN_OFF:
		return set_off(p, k, dst, v);
	case K_DRIVER:
		if ((*(const struct driver **)dst = driver_find(v)) == NULL)
			break;
		return 0;
	case K_PARITY:
		if (strlen(v) != 1 || strchr("NEOneo", v[0]) == NULL)
			break;
		*(char *)dst = (char)(v[0] & ~0x20);
		return 0;
	case K_CLASS: case K_PARAM: case K_WATER: case K_LEVEL:
		i = k->type == K_CLASS ? gb3838_class_parse(v) :
		    k->type == K_PARAM ? gb3838_param_parse(v) :
		    k->type == K_WATER ? gb3838_water_parse(v) :
		    log_parselevel(v);
		if (i == -1)
			break;
		*(int *)dst = i;
		return 0;
	}
	perr(p, p->line, "%s: unknown value '%s'", k->name, v);
	return -1;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const struct key *k;

	(void)section;
	if (p->failed)
		return 0;
	if (p->sec == SEC_NONE) {
		perr(p, p->line, "key '%s' outside a section", name);
		return 0;
	}
	for (k = p->keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			break;
	if (k->name == NULL) {
		perr(p, p->line, "unknown key '%s'", name);
		return 0;
	}
	/* "key =" with nothing: the default, as if the line were not there */
	if (*value == '\0' && (k->type == K_INT || k->type == K_DBL ||
	    k->type == K_DUR || k->type == K_DUR_OFF || k->type == K_MIN_OFF))
		return 1;
	if (p->seen != NULL)
		*p->seen |= 1UL << (k - p->keys);
	if (p->sec == SEC_SENSOR && strcmp(name, "bus") == 0)
		((struct conf_sensor *)p->obj)->bus_line = p->line;
	if (p->sec == SEC_BUS && strcmp(name, "device") == 0)
		((struct conf_bus *)p->obj)->device_line = p->line;
	if (p->sec == SEC_SENSOR && strcmp(name, "hj212_code") == 0)
		((struct conf_sensor *)p->obj)->hj212_code_line = p->line;
	if (p->sec == SEC_UPLINK && strcmp(name, "mn") == 0)
		((struct conf_uplink *)p->obj)->mn_line = p->line;
	if (p->sec == SEC_UPLINK && strcmp(name, "sm4_key_file") == 0)
		((struct conf_uplink *)p->obj)->sm4_line = p->line;
	if (p->sec == SEC_DAEMON && strcmp(name, "station") == 0)
		p->c->station_line = p->line;
	return set_key(p, k, (char *)p->obj + k->off, value) == 0;
}

/* Apply a driver's layout to every key the file did not set itself. */
static void
apply_driver(struct conf_sensor *s, unsigned long seen)
{
	struct conf_sensor d = *s;
	const struct key *k;

	if (s->driver == NULL || s->driver->defaults == NULL)
		return;
	s->driver->defaults(&d);
	for (k = sensor_keys; k->name != NULL; k++)
		if (!(seen & (1UL << (k - sensor_keys))) &&
		    k->type != K_STR && k->type != K_SECRETFILE)
			memcpy((char *)s + k->off, (char *)&d + k->off,
			    k->size);
}

static const char *
unit_default(enum parameter p)
{
	switch (p) {
	case PARAM_PH:
		return "";
	case PARAM_TEMP:
		return "°C";
	case PARAM_TURBIDITY:
		return "NTU";
	case PARAM_COND:
		return "µS/cm";
	case PARAM_CHLA:
		return "µg/L";
	case PARAM_SD:
		return "m";
	default:
		return "mg/L";
	}
}

static void
check_bus(struct parse *p, struct conf_bus *b)
{
	if ((int)b->type == -1)
		b->type = b->device != NULL ? BUS_RTU : BUS_TCP;
	if (b->gap < 0)
		b->gap = b->type == BUS_RTU ? 0.05 : 0;
	if (b->type == BUS_TCP && b->host == NULL)
		perr(p, b->line, "bus '%s': missing key 'host'", b->name);
	if (b->type == BUS_RTU && b->device == NULL)
		perr(p, b->line, "bus '%s': missing key 'device'", b->name);
}

/* Alert keys the sensor did not set come from [alert]. */
static void
inherit_alert(const struct conf *c, struct conf_sensor *s,
    unsigned long seen)
{
	size_t base = offsetof(struct conf_sensor, alert), rel;
	const struct key *k;

	for (k = sensor_keys; k->name != NULL; k++) {
		if (k->off < base || k->off >= base + sizeof(s->alert) ||
		    (seen & (1UL << (k - sensor_keys))))
			continue;
		rel = k->off - base;
		memcpy((char *)s + k->off, (const char *)&c->alert + rel,
		    k->size);
	}
	if (s->alert.stale_after == 0)
		s->alert.stale_after = s->cycle > 0 ? 1.5 * s->cycle :
		    3.0 * s->interval;
	if (s->alert.grace == 0)
		s->alert.grace = 2.0 * s->interval;
}

/*
 * Every register the sensor reads (value, status word, measurement time,
 * also where a driver placed them) must lie in 0..65535: a span past the
 * end would wrap round in the request the plan builds.
 */
static void
check_spans(struct parse *p, const struct conf_sensor *s)
{
	static const char *const key[] = { "register", "status_register",
	    "time_register" };
	int lo[3] = { s->reg, s->status_reg, s->time_reg };
	int n[3] = { conf_type_width(s->type), 1,
	    decode_time_width(s->time_type) };
	int i;

	for (i = 0; i < 3; i++)
		if (lo[i] >= 0 && lo[i] + n[i] - 1 > 65535)
			perr(p, s->line, "sensor '%s': %s %d (%d register%s) "
			    "runs past 65535", s->name, key[i], lo[i], n[i],
			    n[i] > 1 ? "s" : "");
}

/* The parameter's plausible range where the sensor does not set one. */
static void
plausible_default(struct parse *p, struct conf_sensor *s)
{
	double lo, hi;

	if (gb3838_plausible(s->parameter, &lo, &hi) == -1)
		return;
	if (isnan(s->plausible_min))
		s->plausible_min = lo;
	if (isnan(s->plausible_max))
		s->plausible_max = hi;
	if (s->plausible_min >= s->plausible_max)
		perr(p, s->line, "sensor '%s': plausible_min %g >= "
		    "plausible_max %g", s->name, s->plausible_min,
		    s->plausible_max);
}

/* hj212_code: the standard's code of the parameter unless set */
static void
sensor_hj212(struct parse *p, struct conf_sensor *s)
{
	if (s->hj212_code == NULL) {
		/* none for sd: not uplinked unless the sensor sets one */
		if (hj212_code(s->parameter) != NULL)
			s->hj212_code = xstrdup(hj212_code(s->parameter));
		return;
	}
	if (!hj212_code_valid(s->hj212_code))
		perr(p, s->hj212_code_line, "sensor '%s': hj212_code '%s' is "
		    "no HJ 212 factor code (a letter and 5 digits, as w21011)",
		    s->name, s->hj212_code);
}

static void
check_sensor(struct parse *p, struct conf_sensor *s, unsigned long seen)
{
	struct conf *c = p->c;

	apply_driver(s, seen);
	if (s->bus_name == NULL) {
		perr(p, s->line, "sensor '%s': missing key 'bus'", s->name);
		return;
	}
	if ((s->bus = conf_bus_find(c, s->bus_name)) == -1) {
		perr(p, s->bus_line, "sensor '%s': unknown bus '%s'", s->name,
		    s->bus_name);
		return;
	}
	if (s->reg < 0)
		perr(p, s->line, "sensor '%s': missing key 'register'",
		    s->name);
	check_spans(p, s);
	if ((int)s->status_map == -1)
		s->status_map = s->status_reg >= 0 ? STATUS_I12101 :
		    STATUS_NONE;
	if (s->status_map == STATUS_VENDOR && s->driver != NULL &&
	    s->driver->status == NULL)
		perr(p, s->line, "sensor '%s': status_map = vendor: driver "
		    "'%s' has no status table", s->name, s->driver->name);
	if (s->interval == 0)
		s->interval = c->interval;
	if (isnan(s->day_min_fraction))
		s->day_min_fraction = c->day_min_fraction;
	if (isnan(s->month_min_fraction))
		s->month_min_fraction = c->month_min_fraction;
	inherit_alert(c, s, seen);
	if ((int)s->new_result == -1)
		s->new_result = s->time_reg >= 0 ? NEW_TIME : NEW_EVERY;
	if (s->new_result == NEW_TIME && s->time_reg < 0)
		perr(p, s->line, "sensor '%s': new_result = time needs "
		    "time_register", s->name);
	if (s->decimals < 0)
		s->decimals = gb3838_decimals(s->parameter);
	if (s->unit_label == NULL)
		s->unit_label = xstrdup(unit_default(s->parameter));
	if (s->site == NULL)
		s->site = xstrdup(s->name);
	if (!isnan(s->range_min) && !isnan(s->range_max) &&
	    s->range_min >= s->range_max)
		perr(p, s->line, "sensor '%s': range_min >= range_max",
		    s->name);
	plausible_default(p, s);
	sensor_hj212(p, s);
}

/*
 * rate_limit: "20/min", "1/s", "100/h", a bare number (a minute), or
 * "none" (also "0"): requests into W->rate_limit a W->rate_window; 0 or -1.
 */
static int
parse_rate(struct conf_webhook *w, const char *s)
{
	char *end;
	long n;

	w->rate_window = 60;
	if (strcasecmp(s, "none") == 0) {
		w->rate_limit = 0;
		return 0;
	}
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || n < 0 || n > 100000)
		return -1;
	if (strcasecmp(end, "/s") == 0)
		w->rate_window = 1;
	else if (strcasecmp(end, "/h") == 0)
		w->rate_window = 3600;
	else if (*end != '\0' && strcasecmp(end, "/min") != 0 &&
	    strcasecmp(end, "/m") != 0)
		return -1;
	w->rate_limit = (int)n;
	return 0;
}

/* Resolve W's relative ca_file and check it can be read. */
static void
webhook_ca(struct parse *p, struct conf_webhook *w)
{
	char path[PATH_MAX];

	if (w->ca_file == NULL)
		return;
	if (w->ca_file[0] != '/') {
		snprintf(path, sizeof(path), "%s/%s", p->c->dir, w->ca_file);
		free(w->ca_file);
		w->ca_file = xstrdup(path);
	}
	if (access(w->ca_file, R_OK) == -1)
		perr(p, w->line, "webhook '%s': ca_file '%s': %s", w->name,
		    w->ca_file, strerror(errno));
}

/* url: one; an Alertmanager cluster's members, separated by spaces */
static int
check_urls(struct parse *p, const struct conf_webhook *w)
{
	const char *u = w->url, *sp = " \t";
	int n = 0;

	for (u += strspn(u, sp); *u != '\0'; u += strspn(u, sp), n++) {
		if (strncasecmp(u, "http://", 7) != 0 &&
		    strncasecmp(u, "https://", 8) != 0) {
			perr(p, w->line, "webhook '%s': url must start with "
			    "http:// or https://", w->name);
			return -1;
		}
		u += strcspn(u, sp);
	}
	if (n > 1 && w->format != FMT_ALERTMANAGER) {
		perr(p, w->line, "webhook '%s': several urls are for format = "
		    "alertmanager (a cluster) only", w->name);
		return -1;
	}
	if (n > 16) {
		perr(p, w->line, "webhook '%s': more than 16 urls", w->name);
		return -1;
	}
	return 0;
}

static void
check_webhook(struct parse *p, struct conf_webhook *w)
{
	int chat = w->format == FMT_DINGTALK || w->format == FMT_WECOM;

	if (w->url == NULL) {
		perr(p, w->line, "webhook '%s': missing key 'url'", w->name);
		return;
	}
	if (check_urls(p, w) == -1)
		return;
	w->rate_window = 60;
	if (w->rate_str == NULL)
		w->rate_limit = chat ? 20 : 0;
	else if (parse_rate(w, w->rate_str) == -1) {
		perr(p, w->line, "webhook '%s': rate_limit: bad value '%s' "
		    "(N/min, N/s, N/h, or none)", w->name, w->rate_str);
		return;
	}
	if (w->msgtype == MSG_DEFAULT)
		w->msgtype = chat ? MSG_MARKDOWN : MSG_TEXT;
	if (w->secret != NULL && w->format == FMT_WECOM)
		perr(p, w->line, "webhook '%s': wecom robots take no secret "
		    "(the key in the url is the secret)", w->name);
	else if (w->secret != NULL && w->format == FMT_ALERTMANAGER)
		perr(p, w->line, "webhook '%s': alertmanager takes no secret",
		    w->name);
	else
		webhook_ca(p, w);
}

/* an MN or PW goes between ';' and '=' of every packet: no such bytes */
static int
hj212_text_ok(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s))
			return 0;
	return 1;
}

/* HJ 212-2025 6.4: a 16-byte SM4 key, and an OpenSSL that has SM4 */
static void
check_sm4(struct parse *p, struct conf_uplink *u)
{
	unsigned char key[HJ212_SM4_KEY_LEN];

	if (!hj212_profile(u->protocol)->sm4)
		perr(p, u->sm4_line, "uplink '%s': sm4_key_file: protocol %s "
		    "sends no encrypted data (only hj212-2025 does)", u->name,
		    conf_uplink_protos[u->protocol]);
	else if (hj212_sm4_key(u->sm4_key, key) == -1)
		perr(p, u->sm4_line, "uplink '%s': sm4_key_file: the key must "
		    "be 32 hex digits or 16 characters (SM4 takes 16 bytes), "
		    "not %zu characters", u->name, strlen(u->sm4_key));
	else if (hj212_sm4_selftest() == -1)
		perr(p, u->sm4_line, "uplink '%s': sm4_key_file: this "
		    "OpenSSL has no working SM4-ECB", u->name);
}

static void
check_uplink(struct parse *p, struct conf_uplink *u)
{
	if (u->host == NULL || u->port < 0) {
		perr(p, u->line, "uplink '%s': missing key '%s'", u->name,
		    u->host == NULL ? "host" : "port");
		return;
	}
	if (u->mn == NULL) {
		perr(p, u->line, "uplink '%s': missing key 'mn'", u->name);
		return;
	}
	if (strlen(u->mn) != HJ212_MN_LEN || !hj212_text_ok(u->mn))
		perr(p, u->mn_line, "uplink '%s': mn '%s' must be %d letters "
		    "or digits (it is %zu long)", u->name, u->mn,
		    HJ212_MN_LEN, strlen(u->mn));
	else if (hj212_profile(u->protocol)->mn_hex &&
	    strspn(u->mn, "0123456789ABCDEF") != HJ212_MN_LEN)
		perr(p, u->mn_line, "uplink '%s': mn '%s': protocol %s takes "
		    "24 of 0-9 and A-F (the MN the platform gave)", u->name,
		    u->mn, conf_uplink_protos[u->protocol]);
	else if (u->pw == NULL || strlen(u->pw) > HJ212_PW_MAX ||
	    !hj212_text_ok(u->pw))
		perr(p, u->line, "uplink '%s': pw must be set, letters or "
		    "digits, at most %d", u->name, HJ212_PW_MAX);
	else if (u->sm4_key != NULL)
		check_sm4(p, u);
}

/* station: one directory on the central rrdcached, never a path out */
static void
check_station(struct parse *p, const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

	if (s[n] != '\0' || n > 64 || s[0] == '.')
		perr(p, p->c->station_line, "station '%s': use at most 64 "
		    "letters, digits, '-', '_' or '.', not starting with '.'",
		    s);
}

static void
check_all(struct parse *p)
{
	struct conf *c = p->c;
	size_t i;

	for (i = 0; i < c->nbus && !p->failed; i++)
		check_bus(p, &c->buses[i]);
	for (i = 0; i < c->nsensor && !p->failed; i++)
		check_sensor(p, &c->sensors[i], p->sensor_seen[i]);
	for (i = 0; i < c->nwebhook && !p->failed; i++) {
		if (i >= 64)
			perr(p, c->webhooks[i].line, "more than 64 webhooks");
		else
			check_webhook(p, &c->webhooks[i]);
	}
	for (i = 0; i < c->nuplink && !p->failed; i++)
		check_uplink(p, &c->uplinks[i]);
	if (!p->failed && c->station != NULL)
		check_station(p, c->station);
	if (!p->failed && c->state_dir == NULL)
		c->state_dir = xstrdup("/var/lib/lakewatch");
	if (!p->failed && c->state_dir[0] != '/') {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", c->dir, c->state_dir);
		free(c->state_dir);
		c->state_dir = xstrdup(path);
	}
}

/*
 * store_batch: 10 s, or a second per 100 sensors, or six of the shortest
 * interval, up to a minute: a large station updates at most ~100 RRD
 * files a second, and a small one polled every 10 s writes six readings
 * an update, not one (each update maps, writes and unmaps its file: the
 * store's whole cost, and most of a quiet station's)
 */
static void
store_batch_default(struct conf *c)
{
	double b = 10;
	size_t i;
	int iv = 0;

	if (c->store_batch >= 0)
		return;
	for (i = 0; i < c->nsensor; i++)
		if (iv == 0 || c->sensors[i].interval < iv)
			iv = c->sensors[i].interval;
	if ((double)c->nsensor / 100 > b)
		b = (double)c->nsensor / 100;
	if (6.0 * iv > b)
		b = 6.0 * iv;
	c->store_batch = b > 60 ? 60 : b;
}

/* www_dir: relative to the config's directory; default <state_dir>/www */
static void
www_default(struct conf *c)
{
	char path[PATH_MAX];

	if (c->www_dir == NULL)
		snprintf(path, sizeof(path), "%s/www", c->state_dir);
	else if (c->www_dir[0] != '/')
		snprintf(path, sizeof(path), "%s/%s", c->dir, c->www_dir);
	else
		return;
	free(c->www_dir);
	c->www_dir = xstrdup(path);
}

struct conf *
conf_load(const char *file, char err[LW_ERRLEN])
{
	struct parse p = { 0 };
	struct conf *c;
	char *tmp;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("conf");
	c->path = xstrdup(file);
	tmp = xstrdup(file);
	c->dir = xstrdup(dirname(tmp));
	free(tmp);
	daemon_defaults(c);
	p.c = c;
	p.file = file;
	p.err = err;
	err[0] = '\0';
	if ((p.fp = fopen(file, "r")) == NULL) {
		snprintf(err, LW_ERRLEN, "%s: %s", file, strerror(errno));
		conf_free(c);
		return NULL;
	}
	rc = ini_parse_stream(reader, &p, handler, &p);
	if (!p.failed && ferror(p.fp))
		snprintf(err, LW_ERRLEN, "%s: read error", file), p.failed = 1;
	fclose(p.fp);
	if (rc > 0 && !p.failed)
		perr(&p, rc, "syntax error (expected 'key = value' or "
		    "'[section]')");
	if (!p.failed)
		check_all(&p);
	if (!p.failed) {
		www_default(c);
		store_batch_default(c);
	}
	free(p.sensor_seen);
	if (p.failed) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/*
 * Tried again rather than have conf_load's callers carry errno past
 * their fprintf of the message.
 */
int
conf_exit_status(const char *file)
{
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		return EX_NOINPUT;
	close(fd);
	return EX_CONFIG;
}

void
conf_free(struct conf *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nbus; i++) {
		free(c->buses[i].name);
		free(c->buses[i].device);
		free(c->buses[i].host);
	}
	for (i = 0; i < c->nsensor; i++) {
		free(c->sensors[i].name);
		free(c->sensors[i].bus_name);
		free(c->sensors[i].unit_label);
		free(c->sensors[i].site);
		free(c->sensors[i].hj212_code);
	}
	for (i = 0; i < c->nwebhook; i++) {
		free(c->webhooks[i].name);
		free(c->webhooks[i].url);
		free(c->webhooks[i].secret);
		free(c->webhooks[i].ca_file);
		free(c->webhooks[i].rate_str);
		free(c->webhooks[i].generator_url);
		free(c->webhooks[i].keyword);
		for (j = 0; j < c->webhooks[i].mention.nmobile; j++)
			free(c->webhooks[i].mention.mobile[j]);
		free(c->webhooks[i].mention.mobile);
	}
	free(c->buses);
	free(c->sensors);
	free(c->webhooks);
	for (i = 0; i < c->nuplink; i++) {
		free(c->uplinks[i].name);
		free(c->uplinks[i].host);
		free(c->uplinks[i].mn);
		free(c->uplinks[i].pw);
		free(c->uplinks[i].sm4_key);
	}
	free(c->uplinks);
	free(c->path);
	free(c->dir);
	free(c->state_dir);
	free(c->rrdcached);
	free(c->metrics);
	free(c->station);
	free(c->timezone);
	free(c->www_dir);
	free(c);
}

int
conf_sensor_find(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nsensor; i++)
		if (strcmp(c->sensors[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
conf_bus_find(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nbus; i++)
		if (strcmp(c->buses[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
conf_duration(const char *s, double *secs)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || !isfinite(d) || d < 0)
		return -1;
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		*secs = d;
	else if (strcmp(end, "ms") == 0)
		*secs = d / 1000;
	else if (strcmp(end, "m") == 0)
		*secs = d * 60;
	else if (strcmp(end, "h") == 0)
		*secs = d * 3600;
	else
		return -1;
	return 0;
}

int
conf_plausible(const struct conf_sensor *s, double v)
{
	return isfinite(v) && !(v < s->plausible_min) &&
	    !(v > s->plausible_max);
}

int
conf_type_width(enum reg_type t)
{
	return t == TYPE_INT16 || t == TYPE_UINT16 ? 1 : 2;
}

const char *
conf_type_name(enum reg_type t)
{
	return conf_type_names[t];
}

const char *
conf_order_name(enum word_order o)
{
	return conf_order_names[o];
}

const char *
conf_format_name(enum wh_format f)
{
	return conf_fmt_names[f];
}
