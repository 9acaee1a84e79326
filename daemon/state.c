/* state.c: state.json with jansson */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/jsonout.h"
#include "../lib/util.h"
#include "state.h"

void
state_path(const struct conf *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/state.json", c->state_dir);
}

static json_t *
rule_json(const struct rule_state *r)
{
	json_t *ch = json_array();
	int i, k = r->nchanges < FLAP_MAX ? r->nchanges : FLAP_MAX;

	for (i = 0; r->changes != NULL && i < k; i++)
		json_array_append_new(ch, json_integer(r->changes[i]));
	return json_pack("{s:b, s:b, s:b, s:I, s:I, s:i, s:I, s:o, s:i, "
	    "s:f}", "firing", r->firing, "notified", r->notified,
	    "held", r->held, "since", (json_int_t)r->since,
	    "pend_since", (json_int_t)r->pend_since,
	    "pend_count", r->pend_count, "seq", (json_int_t)r->seq,
	    "changes", ch, "nchanges", r->nchanges,
	    "value", isfinite(r->value) ? r->value : 0.0);
}

struct state_doc {
	const struct conf		*c;
	const struct alarm_state	*st;
};

/* The document, a sensor at a time, to F (write_atomic_fill). */
static int
state_fill(FILE *f, void *arg)
{
	const struct state_doc *d = arg;
	const struct alarm_state *st = d->st;
	struct jsonout o;
	json_t *rules;
	size_t i;
	int j;

	jsonout_begin_file(&o, f, JSON_COMPACT);
	jsonout_add(&o, "version", json_integer(1));
	jsonout_open(&o, "sensors", '{');
	for (i = 0; i < d->c->nsensor; i++) {
		rules = json_object();
		for (j = 0; j < RULE_COUNT; j++)
			json_object_set_new(rules, eval_rule_name(j),
			    rule_json(&st[i].r[j]));
		jsonout_add(&o, d->c->sensors[i].name, json_pack("{s:I, s:i, "
		    "s:i, s:o}", "last_valid", (json_int_t)st[i].last_valid,
		    "fails", st[i].fails, "faults", st[i].faults, "rules",
		    rules));
	}
	jsonout_close(&o, '}');
	return jsonout_finish(&o);
}

/*
 * Straight to the temporary file: the text of 3000 sensors (2.8 MB) is
 * never whole in memory, where it set the daemon's peak.
 */
int
state_save(const struct conf *c, const struct alarm_state *st)
{
	struct state_doc d = { c, st };
	char path[PATH_MAX];

	state_path(c, path, sizeof(path));
	return write_atomic_fill(path, 0640, state_fill, &d);
}

/* Times and counts a sane state holds: refuse the file otherwise. */
#define TIME_MAX	((json_int_t)1 << 40)	/* year 36812 */
#define COUNT_MAX	1000000

static int
time_ok(json_int_t t)
{
	return t >= 0 && t < TIME_MAX;
}

static int
rule_load(json_t *j, struct rule_state *r)
{
	json_int_t since = 0, pend = 0, seq = 0;
	json_t *ch = NULL, *v;
	json_error_t err;
	int firing, notified, held;
	size_t i;

	if (json_unpack_ex(j, &err, 0, "{s:b, s:b, s:b, s:I, s:I, "
	    "s:i, s:I, s:o, s:i, s?F}", "firing", &firing, "notified",
	    &notified, "held", &held, "since", &since, "pend_since",
	    &pend, "pend_count", &r->pend_count, "seq", &seq, "changes",
	    &ch, "nchanges", &r->nchanges, "value", &r->value) == -1 ||
	    !json_is_array(ch) || r->nchanges < 0 ||
	    r->nchanges > COUNT_MAX || r->pend_count < 0 ||
	    r->pend_count > COUNT_MAX || !time_ok(since) || !time_ok(pend) ||
	    seq < 0 || !isfinite(r->value))
		return -1;
	r->firing = firing != 0;	/* bytes in struct rule_state */
	r->notified = notified != 0;
	r->held = held != 0;
	r->since = (time_t)since;
	r->pend_since = (time_t)pend;
	r->seq = (uint64_t)seq;
	if (r->nchanges > 0 || json_array_size(ch) > 0)
		eval_ring(r);
	json_array_foreach(ch, i, v) {
		if (!json_is_integer(v) || !time_ok(json_integer_value(v)))
			return -1;
		if (i < FLAP_MAX)
			r->changes[i] = (time_t)json_integer_value(v);
	}
	return 0;
}

static int
sensor_load(json_t *j, struct alarm_state *st)
{
	struct alarm_state tmp;
	json_int_t last = 0;
	json_t *rules, *r;
	int i, rc = 0;

	eval_copy(&tmp, st);	/* rings of its own: ST intact on error */
	if (json_unpack(j, "{s:I, s:i, s:i, s:o}", "last_valid",
	    &last, "fails", &tmp.fails, "faults", &tmp.faults, "rules",
	    &rules) == -1 || !time_ok(last) || tmp.fails < 0 ||
	    tmp.fails > COUNT_MAX || tmp.faults < 0 ||
	    tmp.faults > COUNT_MAX)
		rc = -1;
	tmp.last_valid = (time_t)last;
	for (i = 0; rc == 0 && i < RULE_COUNT; i++)
		if ((r = json_object_get(rules, eval_rule_name(i))) != NULL &&
		    rule_load(r, &tmp.r[i]) == -1)
			rc = -1;
	if (rc == -1) {
		eval_free(&tmp);
		return -1;
	}
	eval_free(st);
	*st = tmp;
	return 0;
}

int
state_load(const struct conf *c, struct alarm_state *st, char err[LW_ERRLEN])
{
	char path[PATH_MAX], bad[PATH_MAX + 8];
	json_t *root, *sensors, *s;
	json_error_t jerr;
	size_t i;

	state_path(c, path, sizeof(path));
	if ((root = json_load_file(path, 0, &jerr)) == NULL) {
		if (jerr.position == 0 && strstr(jerr.text, "unable to open"))
			return 0;	/* first start */
		snprintf(err, LW_ERRLEN, "%s:%d: %s", path, jerr.line,
		    jerr.text);
		goto bad;
	}
	sensors = json_object_get(root, "sensors");
	if (!json_is_object(sensors)) {
		snprintf(err, LW_ERRLEN, "%s: no \"sensors\" object", path);
		json_decref(root);
		goto bad;
	}
	for (i = 0; i < c->nsensor; i++)
		if ((s = json_object_get(sensors, c->sensors[i].name)) !=
		    NULL && sensor_load(s, &st[i]) == -1) {
			snprintf(err, LW_ERRLEN, "%s: sensor '%s': bad state",
			    path, c->sensors[i].name);
			json_decref(root);
			goto bad;
		}
	json_decref(root);
	return 0;
bad:
	snprintf(bad, sizeof(bad), "%s.bad", path);
	rename(path, bad);
	return -1;
}
