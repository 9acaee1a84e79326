/* core.c: samples -> RRD, rules -> events -> outbox */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "eval.h"
#include "log.h"
#include "store.h"

struct core {
	const struct conf	*c;
	struct store		*st;
	struct notify		*n;
	struct alarm_state	*alarms;	/* per sensor */
	struct sample		*last;		/* per sensor */
	int			*store_down;	/* per sensor: failure logged */
	struct core_stats	 stats;
};

struct core *
core_new(const struct conf *c, struct notify *n, char err[LW_ERRLEN])
{
	struct core *core;

	if ((core = calloc(1, sizeof(*core))) == NULL ||
	    (core->alarms = calloc(c->nsensor + 1,
	    sizeof(*core->alarms))) == NULL ||
	    (core->store_down = calloc(c->nsensor + 1, sizeof(int))) == NULL ||
	    (core->last = calloc(c->nsensor + 1, sizeof(*core->last))) == NULL)
		fatal("core");
	core->c = c;
	core->n = n;
	if ((core->st = store_new(c, err)) == NULL) {
		core_free(core);
		return NULL;
	}
	return core;
}

void
core_set_notify(struct core *core, struct notify *n)
{
	core->n = n;
}

void
core_adopt(struct core *core, const struct core *old)
{
	size_t i;
	int j;

	for (i = 0; i < core->c->nsensor; i++)
		if ((j = conf_sensor_find(old->c,
		    core->c->sensors[i].name)) != -1)
			core->alarms[i] = old->alarms[j];
}

void
core_free(struct core *core)
{
	if (core == NULL)
		return;
	store_free(core->st);
	free(core->alarms);
	free(core->store_down);
	free(core->last);
	free(core);
}

static int
cmp_sample(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	if (x->idx != y->idx)
		return x->idx - y->idx;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* Point each sample's idx at its sensor in this config, -1 if gone. */
static void
resolve(const struct core *core, struct sample *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].idx < 0 || (size_t)s[i].idx >= core->c->nsensor ||
		    strcmp(core->c->sensors[s[i].idx].name, s[i].sensor) != 0)
			s[i].idx = conf_sensor_find(core->c, s[i].sensor);
}

static void
store_run(struct core *core, const struct sample *s, size_t n)
{
	char err[LW_ERRLEN];
	int idx = s[0].idx, k;

	k = store_update(core->st, idx, s, n, err);
	if (k == -1) {
		core->stats.store_errors++;
		if (!core->store_down[idx])
			log_warnx("sensor '%s': %s", s[0].sensor, err);
		core->store_down[idx] = 1;
		return;
	}
	if (core->store_down[idx])
		log_info("sensor '%s': storing again", s[0].sensor);
	core->store_down[idx] = 0;
	core->stats.stored += (uint64_t)k;
}

static void
judge(struct core *core, const struct sample *s)
{
	const struct conf_sensor *sc = &core->c->sensors[s->idx];
	struct alarm_state *st = &core->alarms[s->idx];
	char err[LW_ERRLEN];
	struct event ev;

	log_debug("sensor '%s': %.*f %s flag %c%s", sc->name, sc->decimals,
	    s->value, sc->unit_label, s->flag, s->fresh ? "" : " (held)");
	if (!s->fresh || !eval_sample(sc, st, s, &ev))
		return;
	core->stats.events++;
	log_info("alert %s: %s", ev.firing ? "firing" : "resolved",
	    ev.message);
	if (notify_enqueue(core->n, &ev, err) == -1)
		log_warnx("event '%s': outbox: %s; kept in memory", ev.id,
		    err);
}

void
core_process(struct core *core, struct sample *s, size_t n)
{
	size_t i, j;

	resolve(core, s, n);
	qsort(s, n, sizeof(*s), cmp_sample);
	for (i = 0; i < n && s[i].idx < 0; i++)
		log_debug("sensor '%s': no longer configured; sample dropped",
		    s[i].sensor);
	core->stats.samples += n - i;
	while (i < n) {
		for (j = i; j < n && s[j].idx == s[i].idx; j++)
			;
		store_run(core, &s[i], j - i);
		for (; i < j; i++) {
			judge(core, &s[i]);
			core->last[s[i].idx] = s[i];
		}
	}
}

void
core_stats(const struct core *core, struct core_stats *st)
{
	size_t i;

	*st = core->stats;
	st->firing = 0;
	for (i = 0; i < core->c->nsensor; i++)
		st->firing += core->alarms[i].firing != 0;
}

void
core_last(const struct core *core, int idx, struct sample *s, int *firing)
{
	*s = core->last[idx];
	*firing = core->alarms[idx].firing;
}
