/*
 * eval.c: alert rules. Each rule has a judged state (firing) and a
 * notified state; an event goes out when they differ and the rule is not
 * held for flapping, so receivers hear of each transition once.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "eval.h"

static const char *const rule_names[RULE_COUNT] = {
	"threshold", "warn", "stale", "comm", "fault", "cumulative"
};

/* the event's kind: the four of DESIGN.md 5 (warn is a threshold), and
   cumulative (issue 12, item 10) */
static const char *const rule_kind[RULE_COUNT] = {
	"threshold", "threshold", "stale", "comm", "fault", "cumulative"
};

/* The rules that judge a value, which their events carry. */
static int
judges_value(enum rule rule)
{
	return rule <= RULE_WARN || rule == RULE_CUMULATIVE;
}

const char *
eval_rule_name(enum rule r)
{
	return r < RULE_COUNT ? rule_names[r] : "?";
}

void
eval_free(struct alarm_state *st)
{
	int i;

	for (i = 0; i < RULE_COUNT; i++) {
		free(st->r[i].changes);
		st->r[i].changes = NULL;
	}
}

void
eval_ring(struct rule_state *r)
{
	if (r->changes == NULL &&
	    (r->changes = calloc(FLAP_MAX, sizeof(*r->changes))) == NULL)
		fatal("eval");
}

void
eval_copy(struct alarm_state *dst, const struct alarm_state *src)
{
	int i;

	*dst = *src;
	for (i = 0; i < RULE_COUNT; i++)
		if (src->r[i].changes != NULL) {
			dst->r[i].changes = NULL;
			eval_ring(&dst->r[i]);
			memcpy(dst->r[i].changes, src->r[i].changes,
			    FLAP_MAX * sizeof(*src->r[i].changes));
		}
}

void
eval_start(struct alarm_state *st, time_t now)
{
	st->started = now;
	st->seen = 0;
	if (st->last_valid == 0)
		st->last_valid = now;
}

void
eval_rescheduled(struct alarm_state *st, time_t first)
{
	st->stale_from = first;
}

/* T moved by D, unless it is 0 (unset). */
static void
shift(time_t *t, time_t d)
{
	if (*t != 0)
		*t += d;
}

void
eval_clock_step(struct alarm_state *st, time_t d)
{
	struct rule_state *r;
	int i, j;

	shift(&st->started, d);
	shift(&st->last_valid, d);
	shift(&st->stale_from, d);
	for (i = 0; i < RULE_COUNT; i++) {
		r = &st->r[i];
		shift(&r->since, d);
		shift(&r->pend_since, d);
		for (j = 0; r->changes != NULL && j < r->nchanges &&
		    j < FLAP_MAX; j++)
			shift(&r->changes[j], d);
	}
}

int
eval_firing(const struct alarm_state *st)
{
	int i;

	for (i = 0; i < RULE_COUNT; i++)
		if (st->r[i].notified)
			return 1;
	return 0;
}

/* Transitions within the flap window ending at NOW. */
static int
recent_changes(const struct rule_state *r, double window, time_t now)
{
	int i, n = 0, k = r->nchanges < FLAP_MAX ? r->nchanges : FLAP_MAX;

	for (i = 0; r->changes != NULL && i < k; i++)
		n += now - r->changes[i] < window;
	return n;
}

static double
limit_of(const struct conf_sensor *sc, enum rule rule)
{
	double lim = NAN;

	if (rule == RULE_WARN)
		return sc->alert.warn;
	if (!isnan(sc->alert.crit) && rule != RULE_CUMULATIVE)
		return sc->alert.crit;
	gb3838_limit(sc->parameter, sc->water_body, sc->target_class, &lim);
	return lim;
}

/* "90 s", "15 min", "6 h" */
static void
fmt_dur(double secs, char *buf, size_t len)
{
	if (secs < 120)
		snprintf(buf, len, "%.0f s", secs);
	else if (secs < 2 * 3600)
		snprintf(buf, len, "%.0f min", secs / 60);
	else
		snprintf(buf, len, "%.1f h", secs / 3600);
}

static void
message(const struct conf_sensor *sc, enum rule rule, struct event *ev,
    int flapping)
{
	char dur[32];

	char what[160], lim[48] = "";
	const char *label = gb3838_param_label(sc->parameter);
	int dir = gb3838_direction(sc->parameter);

	if (!isnan(ev->limit))
		snprintf(lim, sizeof(lim), " %g %s", ev->limit, ev->unit);
	switch (rule) {
	case RULE_STALE:
		fmt_dur(sc->alert.stale_after, dur, sizeof(dur));
		snprintf(what, sizeof(what), "%s: %s", label, ev->firing ?
		    "no valid reading for " : "valid readings again after "
		    "more than ");
		strncat(what, dur, sizeof(what) - strlen(what) - 1);
		break;
	case RULE_COMM:
		snprintf(what, sizeof(what), "%s: analyzer %s", label,
		    ev->firing ? "not answering (communication lost)" :
		    "answering again");
		break;
	case RULE_FAULT:
		snprintf(what, sizeof(what), "%s: analyzer %s", label,
		    ev->firing ? "reports a fault or over-range" :
		    "reports normal operation again");
		break;
	case RULE_CUMULATIVE:
		snprintf(what, sizeof(what), "%s year-to-date mean %.*f %s "
		    "(the month in progress included) %s Class %s%s (Class "
		    "%s)", label, ev->decimals, ev->value, ev->unit,
		    ev->firing ? (dir < 0 ? "below the minimum of" :
		    "exceeds the limit of") : "back within the limit of",
		    gb3838_class_name(sc->target_class), lim,
		    gb3838_class_name(ev->cls));
		break;
	default:
		snprintf(what, sizeof(what), "%s %.*f %s %s %s%s%s (Class %s)",
		    label, ev->decimals, ev->value, ev->unit,
		    sc->parameter == PARAM_PH ? (ev->firing ?
		    "outside 6-9 of" : "back within 6-9 of") :
		    dir < 0 ? (ev->firing ? "below the minimum of" :
		    "back above the minimum of") : (ev->firing ?
		    "exceeds the" : "back within the"),
		    rule == RULE_WARN ? "warning level" : "limit of Class ",
		    rule == RULE_WARN ? "" :
		    gb3838_class_name(sc->target_class), lim,
		    gb3838_class_name(ev->cls));
		break;
	}
	snprintf(ev->message, sizeof(ev->message), "%s %s%s", ev->site, what,
	    flapping ? "; flapping: further changes are held until it is "
	    "stable" : "");
}

static int
emit(const struct conf_sensor *sc, enum rule rule, struct rule_state *r,
    time_t t, struct event *ev, int flapping)
{
	memset(ev, 0, sizeof(*ev));
	r->notified = r->firing;
	r->seq++;
	snprintf(ev->id, sizeof(ev->id), "%s:%s:%llu", sc->name,
	    rule_names[rule], (unsigned long long)r->seq);
	snprintf(ev->sensor, sizeof(ev->sensor), "%s", sc->name);
	snprintf(ev->site, sizeof(ev->site), "%s", sc->site);
	snprintf(ev->kind, sizeof(ev->kind), "%s", rule_kind[rule]);
	snprintf(ev->severity, sizeof(ev->severity), "%s",
	    rule == RULE_WARN || rule == RULE_CUMULATIVE ? "warning" :
	    "critical");
	snprintf(ev->unit, sizeof(ev->unit), "%s", sc->unit_label);
	ev->firing = r->firing != 0;
	ev->parameter = sc->parameter;
	/* only the value rules judge a value: the others carry none */
	ev->value = judges_value(rule) ? r->value : NAN;
	ev->decimals = sc->decimals;
	ev->limit = judges_value(rule) ? limit_of(sc, rule) : NAN;
	ev->cls = judges_value(rule) ? gb3838_class(sc->parameter,
	    sc->water_body, r->value, sc->decimals) : 0;
	ev->target_class = sc->target_class;
	ev->water_body = sc->water_body;
	ev->observed_at = t;
	ev->started_at = r->since;
	message(sc, rule, ev, flapping);
	return 1;
}

/*
 * The judged state of rule R changed at T: remember the transition,
 * hold the rule if it flaps, and emit an event if receivers must hear.
 */
static int
changed(const struct conf_sensor *sc, enum rule rule, struct rule_state *r,
    time_t t, struct event *ev)
{
	eval_ring(r);
	r->changes[r->nchanges++ % FLAP_MAX] = t;
	r->pend_since = 0;
	r->pend_count = 0;
	if (r->firing)
		r->since = t;
	if (r->held)
		return 0;
	if (recent_changes(r, sc->alert.flap_window, t) >
	    sc->alert.flap_limit) {
		r->held = 1;
		return r->firing != r->notified ?
		    emit(sc, rule, r, t, ev, 1) : 0;
	}
	return r->firing != r->notified ? emit(sc, rule, r, t, ev, 0) : 0;
}

/*
 * One observation of rule R: COND says whether the other state's
 * condition holds now. A change happens once it held for the rule's
 * duration and count (for/for_count going to firing, clear_for/
 * clear_count coming back).
 */
static int
observe(const struct conf_sensor *sc, enum rule rule, struct rule_state *r,
    int cond, time_t t, double dur, int count, struct event *ev)
{
	if (!cond) {
		r->pend_since = 0;
		r->pend_count = 0;
		return 0;
	}
	if (r->pend_since == 0)
		r->pend_since = t;
	r->pend_count++;
	if (t - r->pend_since < dur || r->pend_count < count)
		return 0;
	r->firing = !r->firing;
	return changed(sc, rule, r, t, ev);
}

static int
worse(const struct conf_sensor *sc, enum rule rule, double v)
{
	double lim = limit_of(sc, rule);
	int dir = gb3838_direction(sc->parameter);

	if (rule == RULE_CUMULATIVE ||
	    (rule == RULE_THRESHOLD && isnan(sc->alert.crit)))
		return gb3838_exceeds(sc->parameter, sc->water_body,
		    sc->target_class, v, sc->decimals);
	if (isnan(lim))
		return 0;
	return dir < 0 ? v < lim : v > lim;
}

/* Back within the limit by at least the hysteresis. */
static int
clear(const struct conf_sensor *sc, enum rule rule, double v)
{
	int dir = gb3838_direction(sc->parameter);

	return !worse(sc, rule, v + (dir == 0 ? 0 : dir) * sc->hysteresis);
}

static int
judge_value(const struct conf_sensor *sc, struct alarm_state *st,
    enum rule rule, double v, time_t t, struct event *ev)
{
	struct rule_state *r = &st->r[rule];
	const struct alert_conf *a = &sc->alert;

	if (rule == RULE_WARN && isnan(a->warn))
		return 0;
	r->value = v;
	if (!r->firing)
		return observe(sc, rule, r, worse(sc, rule, v), t, a->for_s,
		    a->for_count, ev);
	return observe(sc, rule, r, clear(sc, rule, v), t, a->clear_for,
	    a->clear_count, ev);
}

/* Registers refused (a config error) are no fault of the analyzer. */
static int
is_fault(const struct sample *s)
{
	return (s->flag == FLAG_FAULT && s->refused == 0) ||
	    s->flag == FLAG_RANGE || s->flag == FLAG_STOPPED;
}

/* comm and fault: a run of bad polls fires, the first good one resolves */
static int
judge_health(const struct conf_sensor *sc, struct alarm_state *st,
    const struct sample *s, struct event *ev)
{
	struct rule_state *comm = &st->r[RULE_COMM];
	struct rule_state *fault = &st->r[RULE_FAULT];
	int n = 0, in_grace = s->t - st->started < sc->alert.grace;

	st->fails = s->flag == FLAG_COMM ? st->fails + 1 : 0;
	if (s->fresh || s->flag == FLAG_COMM)
		st->faults = is_fault(s) ? st->faults + 1 : 0;
	if (!comm->firing && st->fails >= sc->alert.comm_after && !in_grace) {
		comm->firing = 1;
		n += changed(sc, RULE_COMM, comm, s->t, ev + n);
	} else if (comm->firing && s->flag != FLAG_COMM) {
		comm->firing = 0;
		n += changed(sc, RULE_COMM, comm, s->t, ev + n);
	}
	if (!fault->firing && st->faults >= sc->alert.fault_after) {
		fault->firing = 1;
		n += changed(sc, RULE_FAULT, fault, s->t, ev + n);
	} else if (fault->firing && sample_valid(s)) {
		fault->firing = 0;
		n += changed(sc, RULE_FAULT, fault, s->t, ev + n);
	}
	return n;
}

int
eval_sample(const struct conf_sensor *sc, struct alarm_state *st,
    const struct sample *s, struct event *ev)
{
	struct rule_state *stale = &st->r[RULE_STALE];
	int n;
	double v;

	st->seen = 1;
	n = judge_health(sc, st, s, ev);
	if (s->flag != FLAG_COMM)
		st->quiet = s->flag == FLAG_MAINT || s->flag == FLAG_CALIB;
	st->last_flag = s->flag;
	if (!sample_valid(s) || !s->fresh || !isfinite(s->value))
		return n;
	st->last_valid = s->t;
	if (stale->firing) {
		stale->firing = 0;
		n += changed(sc, RULE_STALE, stale, s->t, ev + n);
	}
	if (gb3838_direction(sc->parameter) == 0 &&
	    sc->parameter != PARAM_PH && isnan(sc->alert.crit) &&
	    isnan(sc->alert.warn))
		return n;		/* no class, no levels: nothing to judge */
	v = gb3838_round(s->value, sc->decimals);
	n += judge_value(sc, st, RULE_THRESHOLD, v, s->t, ev + n);
	n += judge_value(sc, st, RULE_WARN, v, s->t, ev + n);
	return n;
}

int
eval_cumulative(const struct conf_sensor *sc, struct alarm_state *st,
    double mean, time_t t, struct event *ev)
{
	double lim;

	if (!sc->alert.cumulative || !isfinite(mean) ||
	    gb3838_direction(sc->parameter) == 0 ||
	    gb3838_limit(sc->parameter, sc->water_body, sc->target_class,
	    &lim) == -1)
		return 0;
	return judge_value(sc, st, RULE_CUMULATIVE,
	    gb3838_round(mean, sc->decimals), t, ev);
}

int
eval_tick(const struct conf_sensor *sc, struct alarm_state *st, time_t now,
    struct event *ev)
{
	struct rule_state *stale = &st->r[RULE_STALE], *r;
	time_t valid = st->last_valid > st->stale_from ? st->last_valid :
	    st->stale_from;
	int n = 0, i;

	/*
	 * a failing link or an analyzer reporting a fault says why nothing
	 * valid comes: that is comm or fault, not stale. After a start, wait
	 * for the first poll's answer (a slow start is not a stale sensor)
	 * unless even that takes longer than stale_after. After a reload
	 * that changed the schedule, the first poll due on the new one
	 * counts as a valid reading would (eval_rescheduled).
	 */
	if (!stale->firing && !st->quiet && st->fails == 0 &&
	    st->faults == 0 &&
	    now - valid >= sc->alert.stale_after &&
	    now - st->started >= sc->alert.grace &&
	    (st->seen || now - st->started >= sc->alert.grace +
	    sc->alert.stale_after)) {
		stale->firing = 1;
		n += changed(sc, RULE_STALE, stale, now, ev + n);
	}
	for (i = 0; i < RULE_COUNT; i++) {
		r = &st->r[i];
		if (!r->held || recent_changes(r, sc->alert.flap_window,
		    now) > 0)
			continue;
		r->held = 0;		/* calm again: say where it stands */
		if (r->firing != r->notified)
			n += emit(sc, i, r, now, ev + n, 0);
	}
	return n;
}
