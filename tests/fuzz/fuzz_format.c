/*
 * fuzz_format.c: the webhook payload builders. Input byte 0 picks the
 * mode:
 *  even: an alert event built from the input (arbitrary bytes, often
 *	not UTF-8, in site, unit and message; huge, NaN and Inf values;
 *	any times) goes the daemon's way: format_event_record, dumped as
 *	the outbox keeps it, read back, and rendered for every wh_format
 *	by format_payload, format_message (1..3 events, text and
 *	markdown), format_am_alert and format_am_key. Checked: every step
 *	gives a result, every body is JSON and fits format_body_limit.
 *  odd: the rest is an outbox file as found on disk (any JSON); the
 *	renderers must not crash on it, NULL is allowed.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../lib/format.h"
#include "../../lib/log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NFMT	(FMT_FEISHU + 1)

struct in {
	const uint8_t	*p;
	size_t		 n;
};

static unsigned
byte(struct in *in)
{
	unsigned c = in->n > 0 ? *in->p : 0;

	if (in->n > 0) {
		in->p++;
		in->n--;
	}
	return c;
}

static uint64_t
take(struct in *in, size_t k)
{
	uint64_t v = 0;

	while (k-- > 0)
		v = v << 8 | byte(in);
	return v;
}

/* Raw bytes up to a NUL (or the room) into BUF. */
static void
text(struct in *in, char *buf, size_t len)
{
	size_t i = 0;
	unsigned c;

	while (in->n > 0 && i + 1 < len && (c = byte(in)) != 0)
		buf[i++] = (char)c;
	buf[i] = '\0';
}

/* A name as conf.c allows them (sensor and event ids are made of these). */
static void
name(struct in *in, char *buf, size_t len, size_t max)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz0123456789-_.:";
	size_t i, n = byte(in) % max + 1;

	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = ok[byte(in) % (sizeof(ok) - 1)];
	buf[i] = '\0';
}

static double
number(struct in *in)
{
	static const double special[] = { NAN, INFINITY, -INFINITY, 1e308,
	    -1e308, 0.0, -0.0, 4.9e-324, 0.0545, 0.05, 1e15, 123456789.123 };
	uint64_t u;
	double d;

	if (byte(in) & 1)
		return special[byte(in) % (sizeof(special) /
		    sizeof(special[0]))];
	u = take(in, 8);
	memcpy(&d, &u, sizeof(d));
	return d;
}

static void
event(struct in *in, struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	name(in, ev->sensor, sizeof(ev->sensor), 63);
	name(in, ev->kind, sizeof(ev->kind), 15);
	snprintf(ev->id, sizeof(ev->id), "%s:%s:%u", ev->sensor, ev->kind,
	    (unsigned)take(in, 2));
	snprintf(ev->severity, sizeof(ev->severity), "%s",
	    byte(in) & 1 ? "critical" : "warning");
	ev->firing = byte(in) & 1;
	ev->parameter = (enum parameter)(byte(in) % PARAM_COUNT);
	ev->value = number(in);
	ev->decimals = (int)(byte(in) % 7);
	ev->limit = number(in);
	ev->cls = (int)(byte(in) % 7);
	ev->target_class = (int)(byte(in) % 5) + 1;
	ev->water_body = (enum water_body)(byte(in) % 2);
	ev->observed_at = (time_t)(int64_t)take(in, 8);
	ev->started_at = (byte(in) & 1) ? (time_t)(int64_t)take(in, 8) :
	    (time_t)((uint64_t)ev->observed_at - take(in, 3));
	text(in, ev->site, sizeof(ev->site));
	text(in, ev->unit, sizeof(ev->unit));
	text(in, ev->message, sizeof(ev->message));
}

/* BODY must be JSON within FMT's size limit; frees it. */
static void
body_ok(char *body, enum wh_format fmt, int strict)
{
	size_t lim = format_body_limit(fmt);
	json_t *j;

	if (body == NULL) {
		if (strict)
			abort();
		return;
	}
	if (strict && lim > 0 && strlen(body) > lim)
		abort();
	if (strict && (j = json_loads(body, JSON_DECODE_ANY, NULL)) == NULL)
		abort();
	else if (strict)
		json_decref(j);
	free(body);
}

static void
render(json_t *const *ev, size_t n, int strict, time_t now)
{
	static char m1[] = "13800000000", m2[] = "+8613900000000";
	static char *mobile[] = { m1, m2 };
	static const struct wh_mention at = { mobile, 2, 1 };
	struct fmt_opts o;
	char key[256];
	size_t folded, k;
	json_t *am;
	int f, md;

	for (f = 0; f < NFMT; f++) {
		body_ok(format_payload(ev[0], (enum wh_format)f, "s3cret",
		    now), (enum wh_format)f, strict);
		for (md = 0; md < 2; md++)
			for (k = 1; k <= n; k++) {
				o.fmt = (enum wh_format)f;
				o.markdown = md;
				o.secret = md ? "s3cret" : NULL;
				o.now = now;
				o.mention = md ? &at : NULL;
				o.keyword = md ? "水质告警" : NULL;
				folded = 99;
				body_ok(format_message(ev, k, &o, &folded),
				    (enum wh_format)f, strict);
				if (strict && (folded < 1 || folded > k))
					abort();
			}
	}
	am = format_am_alert(ev[0], strict ? "http://lake.example/" : NULL);
	if (strict && am == NULL)
		abort();
	json_decref(am);
	if (format_am_key(ev[0], key, sizeof(key)) == -1 && strict)
		abort();
}

static void
from_events(struct in *in)
{
	struct event ev[3];
	json_t *rec[3], *j;
	char *text;
	size_t i, n = byte(in) % 3 + 1, cut;

	for (i = 0; i < n; i++) {
		event(in, &ev[i]);
		if ((j = format_event_json(&ev[i])) == NULL)
			abort();	/* the receivers' body: never lost */
		json_decref(j);
		if ((j = format_event_record(&ev[i])) == NULL)
			abort();	/* what the outbox keeps */
		text = format_dump(j);
		json_decref(j);
		if (text == NULL ||
		    (rec[i] = json_loads(text, 0, NULL)) == NULL)
			abort();	/* the outbox file reads back */
		free(text);
		cut = format_utf8_cut(ev[i].site, i * 7);
		if (cut > i * 7 || cut > strlen(ev[i].site) || (cut > 0 &&
		    cut < strlen(ev[i].site) &&
		    ((unsigned char)ev[i].site[cut] & 0xc0) == 0x80))
			abort();
	}
	render(rec, n, 1, ev[0].observed_at);
	for (i = 0; i < n; i++)
		json_decref(rec[i]);
}

static void
from_outbox(const uint8_t *data, size_t size)
{
	json_t *ev[2];

	if ((ev[0] = json_loadb((const char *)data, size, JSON_DECODE_ANY,
	    NULL)) == NULL)
		return;
	ev[1] = ev[0];
	render(ev, 2, 0, 1764144000);
	json_decref(ev[0]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };

	log_init("fuzz", LOG_LVL_ERROR);
	if (size > 0 && (data[0] & 1))
		from_outbox(data + 1, size - 1);
	else
		from_events(&in);
	return 0;
}
