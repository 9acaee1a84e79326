/* eval.c: threshold rule, once per transition */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eval.h"

static int
is_clear(const struct conf_sensor *sc, double v)
{
	int dir = gb3838_direction(sc->parameter);

	return !gb3838_exceeds(sc->parameter, sc->water_body,
	    sc->target_class, v + dir * sc->hysteresis, sc->decimals);
}

static void
message(const struct conf_sensor *sc, struct event *ev)
{
	const char *what;
	char lim[32] = "";

	if (!isnan(ev->limit))
		snprintf(lim, sizeof(lim), " %g %s", ev->limit, ev->unit);
	if (sc->parameter == PARAM_PH)
		what = ev->firing ? "outside the range 6-9 of Class" :
		    "back within the range 6-9 of Class";
	else if (gb3838_direction(sc->parameter) < 0)
		what = ev->firing ? "below the minimum of Class" :
		    "back above the minimum of Class";
	else
		what = ev->firing ? "exceeds the limit of Class" :
		    "back within the limit of Class";
	snprintf(ev->message, sizeof(ev->message),
	    "%s %s %.*f %s %s %s%s (Class %s)", ev->site,
	    gb3838_param_label(sc->parameter), ev->decimals, ev->value,
	    ev->unit, what, gb3838_class_name(sc->target_class), lim,
	    gb3838_class_name(ev->cls));
}

int
eval_sample(const struct conf_sensor *sc, struct alarm_state *st,
    const struct sample *s, struct event *ev)
{
	double v;
	int fire;

	if (!sample_valid(s) || !isfinite(s->value) ||
	    (gb3838_direction(sc->parameter) == 0 &&
	    sc->parameter != PARAM_PH))
		return 0;
	v = gb3838_round(s->value, sc->decimals);
	if (!st->firing)
		fire = gb3838_exceeds(sc->parameter, sc->water_body,
		    sc->target_class, v, sc->decimals);
	else
		fire = !is_clear(sc, v);
	if (fire == st->firing)
		return 0;
	st->firing = fire;
	st->seq++;
	if (fire)
		st->since = s->t;
	memset(ev, 0, sizeof(*ev));
	snprintf(ev->id, sizeof(ev->id), "%s:threshold:%llu", sc->name,
	    (unsigned long long)st->seq);
	snprintf(ev->sensor, sizeof(ev->sensor), "%s", sc->name);
	snprintf(ev->site, sizeof(ev->site), "%s", sc->site);
	snprintf(ev->kind, sizeof(ev->kind), "threshold");
	snprintf(ev->unit, sizeof(ev->unit), "%s", sc->unit_label);
	ev->firing = fire;
	ev->parameter = sc->parameter;
	ev->value = v;
	ev->decimals = sc->decimals;
	if (gb3838_limit(sc->parameter, sc->water_body, sc->target_class,
	    &ev->limit) == -1)
		ev->limit = NAN;
	ev->cls = gb3838_class(sc->parameter, sc->water_body, v,
	    sc->decimals);
	ev->target_class = sc->target_class;
	ev->water_body = sc->water_body;
	ev->observed_at = s->t;
	ev->started_at = st->since;
	message(sc, ev);
	return 1;
}
