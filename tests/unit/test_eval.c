/* test_eval.c: the threshold rule fires once and resolves once */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../daemon/eval.h"

#define T0	1795680000	/* 2026-11-26T08:00:00Z */
#define STEP	60

static char name[] = "centre-tp";
static char site[] = "长荡湖湖心";
static char unit[] = "mg/L";

/* A sensor of P judged against Class III of W at its usual decimals. */
static struct conf_sensor
sensor(enum parameter p, enum water_body w)
{
	struct conf_sensor sc;

	memset(&sc, 0, sizeof(sc));
	sc.name = name;
	sc.site = site;
	sc.unit_label = unit;
	sc.parameter = p;
	sc.water_body = w;
	sc.target_class = 3;
	sc.decimals = gb3838_decimals(p);
	sc.hysteresis = 0;
	sc.status_reg = -1;
	sc.time_reg = -1;
	sc.range_min = sc.range_max = NAN;
	sc.plausible_min = sc.plausible_max = NAN;
	sc.interval = STEP;
	/* the defaults conf_load gives a sensor without alert keys */
	sc.alert.warn = sc.alert.crit = NAN;
	sc.alert.for_count = sc.alert.clear_count = 1;
	sc.alert.stale_after = 3 * STEP;
	sc.alert.comm_after = 3;
	sc.alert.fault_after = 1;
	sc.alert.flap_limit = 6;
	sc.alert.flap_window = 3600;
	sc.alert.grace = 2 * STEP;
	return sc;
}

static struct sample
sample(int i, double v, char flag)
{
	struct sample s;

	memset(&s, 0, sizeof(s));
	snprintf(s.sensor, sizeof(s.sensor), "%s", name);
	s.t = T0 + (time_t)i * STEP;
	s.value = s.raw = v;
	s.flag = flag;
	s.fresh = 1;
	return s;
}

/*
 * Feed VALS (flag N) to SC from a fresh state; store the events in EV
 * (room for MAX) and the index of the sample of each in AT.
 */
static int
run(const struct conf_sensor *sc, const double *vals, int n,
    struct event *ev, int *at, int max)
{
	struct event got[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	struct sample s;
	int i, j, m, k = 0;

	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	for (i = 0; i < n; i++) {
		s = sample(i, vals[i], FLAG_NORMAL);
		m = eval_sample(sc, &st, &s, got);
		assert_in_range(m, 0, EVAL_MAX_EVENTS);
		for (j = 0; j < m; j++, k++) {
			assert_true(k < max);
			ev[k] = got[j];
			at[k] = i;
		}
	}
	eval_free(&st);
	return k;
}

static const double series[] = { 0.03, 0.04, 0.061, 0.07, 0.065, 0.05,
    0.03 };
#define NSERIES	((int)(sizeof(series) / sizeof(series[0])))

static void
test_fire_resolve_once(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[4];
	int at[4];

	(void)state;
	assert_int_equal(run(&sc, series, NSERIES, ev, at, 4), 2);
	assert_int_equal(at[0], 2);		/* 0.061 */
	assert_int_equal(at[1], 5);		/* 0.05 is still Class III */
	assert_int_equal(ev[0].firing, 1);
	assert_int_equal(ev[1].firing, 0);
	assert_string_equal(ev[0].id, "centre-tp:threshold:1");
	assert_string_equal(ev[1].id, "centre-tp:threshold:2");
	assert_string_equal(ev[0].kind, "threshold");
	assert_string_equal(ev[1].kind, "threshold");
	assert_true(ev[0].observed_at == T0 + 2 * STEP);
	assert_true(ev[0].started_at == T0 + 2 * STEP);
	assert_true(ev[1].observed_at == T0 + 5 * STEP);
	assert_true(ev[1].started_at == T0 + 2 * STEP);
	assert_true(ev[0].value == 0.061);
	assert_int_equal(ev[0].cls, 4);
	assert_int_equal(ev[1].cls, 3);
	assert_true(ev[0].limit == 0.05);
	assert_int_equal(ev[0].target_class, 3);
	assert_int_equal(ev[0].water_body, WATER_LAKE);
	assert_int_equal(ev[0].parameter, PARAM_TP);
	assert_string_equal(ev[0].sensor, "centre-tp");
	assert_string_equal(ev[0].site, site);
	assert_string_equal(ev[0].unit, "mg/L");
}

static void
test_state_carries_seq(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct rule_state *r;
	struct alarm_state st = { 0 };
	struct sample s;
	struct event ev[EVAL_MAX_EVENTS];

	(void)state;
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	r = &st.r[RULE_THRESHOLD];
	r->seq = 16;			/* as restored from state.json */
	s = sample(0, 0.08, FLAG_NORMAL);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 1);
	assert_string_equal(ev[0].id, "centre-tp:threshold:17");
	assert_int_equal(r->firing, 1);
	assert_true(r->since == s.t);
	/* still above: nothing */
	s = sample(1, 0.09, FLAG_NORMAL);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	assert_true(r->seq == 17);
	assert_int_equal(eval_firing(&st), 1);
	eval_free(&st);
}

/* Events of kind "threshold" in EV[0..N). */
static int
thresholds(const struct event *ev, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += strcmp(ev[i].kind, "threshold") == 0;
	return k;
}

static void
test_invalid_flags_ignored(void **state)
{
	static const char flags[] = { FLAG_CALIB, FLAG_MAINT, FLAG_FAULT,
	    FLAG_RANGE, FLAG_COMM, FLAG_STOPPED };
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	struct sample s;
	size_t i;
	int n;

	(void)state;
	/* calibration and maintenance: nothing at all */
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	s = sample(0, 0.09, FLAG_CALIB);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	s = sample(1, 0.09, FLAG_MAINT);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	/* no flag but N makes a threshold event (D, T, F are faults) */
	for (i = 0; i < sizeof(flags); i++) {
		eval_free(&st);
		memset(&st, 0, sizeof(st));
		eval_start(&st, T0);
		s = sample((int)i, 0.09, flags[i]);
		n = eval_sample(&sc, &st, &s, ev);
		assert_int_equal(thresholds(ev, n), 0);
		assert_int_equal(st.r[RULE_THRESHOLD].firing, 0);
	}
	/* and a firing alert is not resolved by a calibration value */
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	s = sample(10, 0.09, FLAG_NORMAL);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 1);
	s = sample(11, 0.01, FLAG_CALIB);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	assert_int_equal(st.r[RULE_THRESHOLD].firing, 1);
	s = sample(12, NAN, FLAG_NORMAL);
	n = eval_sample(&sc, &st, &s, ev);
	assert_int_equal(thresholds(ev, n), 0);
	assert_int_equal(st.r[RULE_THRESHOLD].firing, 1);
	eval_free(&st);
}

static void
test_river_quiet(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_RIVER);
	struct event ev[4];
	int at[4];

	(void)state;
	assert_int_equal(run(&sc, series, NSERIES, ev, at, 4), 0);
}

static void
test_hysteresis(void **state)
{
	static const double vals[] = { 0.061, 0.05, 0.048, 0.046, 0.045,
	    0.03 };
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[4];
	int at[4];

	(void)state;
	sc.hysteresis = 0.005;
	assert_int_equal(run(&sc, vals, 6, ev, at, 4), 2);
	assert_int_equal(at[0], 0);
	assert_int_equal(at[1], 4);		/* 0.045: limit - hysteresis */
	assert_int_equal(ev[1].firing, 0);
	assert_true(ev[1].value == 0.045);
}

static void
test_float32_at_limit(void **state)
{
	const double vals[] = { (double)0.05f, (double)0.05f, 0.0505 };
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[2];
	int at[2];

	(void)state;
	assert_int_equal(run(&sc, vals, 3, ev, at, 2), 0);
}

static void
test_do_below(void **state)
{
	static const double vals[] = { 7.2, 5.0, 4.9, 4.2, 5.0, 6.1 };
	struct conf_sensor sc = sensor(PARAM_DO, WATER_LAKE);
	struct event ev[4];
	int at[4];

	(void)state;
	assert_int_equal(run(&sc, vals, 6, ev, at, 4), 2);
	assert_int_equal(at[0], 2);		/* 4.9 < 5 */
	assert_int_equal(at[1], 4);		/* back at 5: Class III */
	assert_int_equal(ev[0].cls, 4);
	assert_true(ev[0].limit == 5);
	assert_non_null(strstr(ev[0].message, "DO"));
	/* DO is given at 1 decimal (the 2020 rule, issue 12.7) */
	assert_non_null(strstr(ev[0].message, "4.9 "));
	assert_null(strstr(ev[0].message, "4.90"));
}

static void
test_message(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[4];
	int at[4];

	(void)state;
	assert_int_equal(run(&sc, series, NSERIES, ev, at, 4), 2);
	assert_non_null(strstr(ev[0].message, site));
	assert_non_null(strstr(ev[0].message, "TP"));
	assert_non_null(strstr(ev[0].message, "0.061"));
	assert_non_null(strstr(ev[0].message, "Class III"));
	assert_non_null(strstr(ev[0].message, "Class IV"));
	assert_non_null(strstr(ev[1].message, "0.050"));
	assert_non_null(strstr(ev[1].message, "Class III"));
	assert_string_not_equal(ev[0].message, ev[1].message);
}

/* for = 3 min: fires on the reading 3 min after the first exceedance */
static void
test_for_duration(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	static const double v[] = { 0.03, 0.06, 0.06, 0.03, 0.06, 0.06,
	    0.06, 0.06, 0.06 };
	struct event ev[8];
	int at[8], n;

	(void)state;
	sc.alert.for_s = 3 * STEP;
	n = run(&sc, v, 9, ev, at, 8);
	assert_int_equal(n, 1);
	assert_true(ev[0].firing);
	assert_int_equal(at[0], 7);	/* 0.06 since sample 4; 4 + 3 */
}

/* clear_count = 2: one good reading between bad ones resolves nothing */
static void
test_clear_count(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	static const double v[] = { 0.06, 0.03, 0.06, 0.03, 0.03, 0.03 };
	struct event ev[8];
	int at[8], n;

	(void)state;
	sc.alert.clear_count = 2;
	n = run(&sc, v, 6, ev, at, 8);
	assert_int_equal(n, 2);
	assert_true(ev[0].firing);
	assert_int_equal(at[0], 0);
	assert_false(ev[1].firing);
	assert_int_equal(at[1], 4);
}

/* warn level: a warning before the class limit, with its own ids */
static void
test_warn_level(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	static const double v[] = { 0.03, 0.045, 0.055, 0.03 };
	struct event ev[8];
	int at[8], n;

	(void)state;
	sc.alert.warn = 0.04;
	n = run(&sc, v, 4, ev, at, 8);
	assert_int_equal(n, 4);
	assert_string_equal(ev[0].id, "centre-tp:warn:1");
	assert_string_equal(ev[0].severity, "warning");
	assert_int_equal(at[0], 1);
	assert_string_equal(ev[1].id, "centre-tp:threshold:1");
	assert_string_equal(ev[1].severity, "critical");
	assert_int_equal(at[1], 2);
	assert_false(ev[2].firing);
	assert_false(ev[3].firing);
}

/* a held result (not fresh) is neither counted nor judged */
static void
test_held_not_judged(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	struct sample s;

	(void)state;
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	s = sample(0, 0.07, FLAG_NORMAL);
	s.fresh = 0;
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	s.fresh = 1;
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 1);
	eval_free(&st);
}

/*
 * stale after stale_after without a valid reading, not in the grace, and
 * not before the first poll answered unless that takes stale_after more
 */
static void
test_stale_and_grace(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	struct sample s;

	(void)state;
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	sc.alert.grace = 10 * STEP;
	assert_int_equal(eval_tick(&sc, &st, T0 + 5 * STEP, ev), 0);
	/* grace over, no answer yet: a slow start, not stale */
	assert_int_equal(eval_tick(&sc, &st, T0 + 10 * STEP, ev), 0);
	assert_int_equal(eval_tick(&sc, &st, T0 + 12 * STEP, ev), 0);
	assert_int_equal(eval_tick(&sc, &st, T0 + 13 * STEP, ev), 1);
	assert_string_equal(ev[0].kind, "stale");
	assert_true(ev[0].firing);
	assert_int_equal(eval_tick(&sc, &st, T0 + 14 * STEP, ev), 0);
	s = sample(15, 0.03, FLAG_NORMAL);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 1);
	assert_string_equal(ev[0].id, "centre-tp:stale:2");
	assert_false(ev[0].firing);

	/* a restart: the first answer holds an old result, stale at the grace */
	eval_start(&st, T0 + 100 * STEP);
	s = sample(101, 0.03, FLAG_NORMAL);
	s.fresh = 0;
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	assert_int_equal(eval_tick(&sc, &st, T0 + 109 * STEP, ev), 0);
	assert_int_equal(eval_tick(&sc, &st, T0 + 110 * STEP, ev), 1);
	assert_string_equal(ev[0].id, "centre-tp:stale:3");
	eval_free(&st);
}

/*
 * A reload shortens the interval from 60 s to 10 s (stale_after 180 s ->
 * 30 s) 50 s after a reading: not stale at once; stale only when the new
 * schedule's first poll (at 60 s) is stale_after past without a reading.
 */
static void
test_rescheduled_stale(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	struct sample s;

	(void)state;
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	s = sample(5, 0.03, FLAG_NORMAL);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	sc.interval = 10;
	sc.alert.stale_after = 30;
	sc.alert.grace = 20;
	eval_rescheduled(&st, s.t + 60);
	assert_int_equal(eval_tick(&sc, &st, s.t + 50, ev), 0);
	assert_int_equal(eval_tick(&sc, &st, s.t + 89, ev), 0);
	assert_int_equal(eval_tick(&sc, &st, s.t + 90, ev), 1);
	assert_string_equal(ev[0].kind, "stale");
	assert_true(ev[0].firing);
	/* the valid reading of the first poll: judged from it after */
	s.t += 100;
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 1);
	assert_false(ev[0].firing);
	assert_int_equal(eval_tick(&sc, &st, s.t + 29, ev), 0);
	assert_int_equal(eval_tick(&sc, &st, s.t + 30, ev), 1);
	eval_free(&st);
}

/* a step of the wall clock either way fires no stale alert */
static void
test_clock_step(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	struct sample s;

	(void)state;
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	s = sample(5, 0.03, FLAG_NORMAL);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	eval_clock_step(&st, 3600);
	assert_int_equal(st.last_valid, s.t + 3600);
	assert_int_equal(st.started, T0 + 3600);
	assert_int_equal(eval_tick(&sc, &st, s.t + 3600 + STEP, ev), 0);
	eval_clock_step(&st, -7200);
	assert_int_equal(eval_tick(&sc, &st, s.t - 3600 + STEP, ev), 0);
	/* and it is judged by the new clock */
	assert_int_equal(eval_tick(&sc, &st, s.t - 3600 + 3 * STEP, ev), 1);
	assert_string_equal(ev[0].kind, "stale");
	eval_free(&st);
}

/* comm after comm_after failed polls; it, not stale, explains silence */
static void
test_comm_not_stale(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	struct sample s;
	int i, fired = 0;

	(void)state;
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0 - 100 * STEP);
	for (i = 0; i < 6; i++) {
		s = sample(i, NAN, FLAG_COMM);
		if (eval_sample(&sc, &st, &s, ev) == 1) {
			assert_string_equal(ev[0].id, "centre-tp:comm:1");
			assert_int_equal(i, 2);
			fired++;
		}
		assert_int_equal(eval_tick(&sc, &st, s.t, ev), 0);
	}
	assert_int_equal(fired, 1);
	s = sample(6, 0.03, FLAG_NORMAL);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 1);
	assert_string_equal(ev[0].id, "centre-tp:comm:2");
	assert_false(ev[0].firing);
	eval_free(&st);
}

/* maintenance (M) and calibration (C) hold stale alerts */
static void
test_quiet_holds_stale(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	struct sample s;

	(void)state;
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0 - 100 * STEP);
	s = sample(0, 0.09, FLAG_MAINT);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	assert_int_equal(eval_tick(&sc, &st, T0 + 10 * STEP, ev), 0);
	s = sample(11, 0.03, FLAG_NORMAL);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	eval_free(&st);
}

/* flapping: after flap_limit transitions in the window, one event says
   so and the rest are held; calm again, the true state is told once */
static void
test_flapping(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	struct sample s;
	int i, n, sent = 0, flap = 0;

	(void)state;
	sc.alert.flap_limit = 4;
	sc.alert.stale_after = 1e9;	/* only the threshold rule here */
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	for (i = 0; i < 20; i++) {
		s = sample(i, i % 2 ? 0.03 : 0.07, FLAG_NORMAL);
		n = eval_sample(&sc, &st, &s, ev);
		sent += n;
		if (n == 1 && strstr(ev[0].message, "flapping") != NULL)
			flap++;
	}
	assert_int_equal(sent, 5);	/* 4 transitions, then the one held */
	assert_int_equal(flap, 1);
	assert_true(st.r[RULE_THRESHOLD].held);
	/* the last reading (i = 19) was 0.03: resolved, but receivers last
	   heard "firing"; an hour of calm later they are told */
	assert_int_equal(eval_tick(&sc, &st, T0 + 20 * STEP + 3600, ev), 1);
	assert_false(ev[0].firing);
	assert_false(st.r[RULE_THRESHOLD].held);
	eval_free(&st);
}

/*
 * A sensor's alert state is kept for every sensor (3000 in a farm of
 * 1000 analyzers) but most rules never change: their flap rings (16
 * times of 8 B each, for 6 rules) were 768 of its ~1200 B. They are
 * made at a rule's first transition, and a copy has its own. The rest
 * is kept tight too: 480 B a sensor with ints padded between the times,
 * 376 B with the widest fields first and the flags in bytes.
 */
static void
test_flap_ring_lazy(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 }, cp;
	struct sample s;
	int i, r;

	(void)state;
	assert_true(sizeof(struct alarm_state) <= 384);
	sc.alert.stale_after = 1e9;
	eval_start(&st, T0);
	for (i = 0; i < 5; i++) {
		s = sample(i, 0.03, FLAG_NORMAL);	/* within class III */
		assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	}
	for (r = 0; r < RULE_COUNT; r++)
		assert_null(st.r[r].changes);
	s = sample(5, 0.07, FLAG_NORMAL);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 1);
	assert_non_null(st.r[RULE_THRESHOLD].changes);
	assert_null(st.r[RULE_STALE].changes);
	eval_copy(&cp, &st);
	assert_true(cp.r[RULE_THRESHOLD].changes !=
	    st.r[RULE_THRESHOLD].changes);
	assert_int_equal(cp.r[RULE_THRESHOLD].changes[0],
	    st.r[RULE_THRESHOLD].changes[0]);
	eval_free(&st);
	assert_int_equal(cp.r[RULE_THRESHOLD].nchanges, 1);
	eval_free(&cp);
}

/*
 * A fault event carries no value (the analyzer gave none: not 0.0); a
 * register the device refused is a config error, no fault to alert on.
 */
static void
test_fault_no_value_refused_not_fault(void **state)
{
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	struct sample s;
	int i, n;

	(void)state;
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	s = sample(0, NAN, FLAG_FAULT);
	assert_int_equal(eval_sample(&sc, &st, &s, ev), 1);
	assert_string_equal(ev[0].kind, "fault");
	assert_true(isnan(ev[0].value));
	assert_true(isnan(ev[0].limit));
	assert_int_equal(ev[0].cls, 0);
	s = sample(1, 0.03, FLAG_NORMAL);
	n = eval_sample(&sc, &st, &s, ev);
	assert_int_equal(n, 1);
	assert_false(ev[0].firing);
	assert_true(isnan(ev[0].value));

	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	for (i = 0; i < 10; i++) {
		s = sample(i, NAN, FLAG_FAULT);
		s.refused = 2;		/* Illegal data address */
		s.ref_addr = 9;
		s.ref_count = 1;
		assert_int_equal(eval_sample(&sc, &st, &s, ev), 0);
	}
	assert_int_equal(st.r[RULE_FAULT].firing, 0);
	eval_free(&st);
}

/*
 * The cumulative rule (issue 12, item 10), fed projected year-to-date
 * means on a fake clock: lake TP, Class III 0.05 mg/L, inclusive, at 3
 * decimals. 0.0504 rounds to 0.050: within. 0.052 fires once (Class IV,
 * the mean and limit in the event, severity warning); 0.053 stays
 * firing; 0.050 resolves once; off, NAN and pH judge nothing.
 */
static void
test_cumulative(void **state)
{
	static const double mean[] = { 0.049, 0.0504, 0.052, 0.053, 0.050,
		0.049 };
	struct conf_sensor sc = sensor(PARAM_TP, WATER_LAKE);
	struct conf_sensor ph = sensor(PARAM_PH, WATER_LAKE);
	struct event ev[EVAL_MAX_EVENTS];
	struct alarm_state st = { 0 };
	int i, n, fired = 0, resolved = 0;

	(void)state;
	sc.alert.cumulative = ph.alert.cumulative = 1;
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	eval_start(&st, T0);
	for (i = 0; i < (int)(sizeof(mean) / sizeof(mean[0])); i++) {
		n = eval_cumulative(&sc, &st, mean[i], T0 + i * STEP, ev);
		if (n == 0)
			continue;
		assert_int_equal(n, 1);
		assert_string_equal(ev[0].kind, "cumulative");
		assert_string_equal(ev[0].severity, "warning");
		assert_true(fabs(ev[0].limit - 0.05) < 1e-9);
		if (ev[0].firing) {
			fired++;
			assert_int_equal(i, 2);
			assert_true(fabs(ev[0].value - 0.052) < 1e-9);
			assert_int_equal(ev[0].cls, 4);
			assert_string_equal(ev[0].id, "centre-tp:cumulative:1");
			assert_non_null(strstr(ev[0].message,
			    "year-to-date mean 0.052 mg/L"));
		} else {
			resolved++;
			assert_int_equal(i, 4);
			assert_string_equal(ev[0].id, "centre-tp:cumulative:2");
		}
	}
	assert_int_equal(fired, 1);
	assert_int_equal(resolved, 1);
	assert_false(eval_firing(&st));
	assert_int_equal(eval_cumulative(&sc, &st, NAN, T0, ev), 0);
	sc.alert.cumulative = 0;
	assert_int_equal(eval_cumulative(&sc, &st, 0.09, T0 + 10 * STEP, ev),
	    0);
	eval_free(&st);
	memset(&st, 0, sizeof(st));
	assert_int_equal(eval_cumulative(&ph, &st, 10, T0, ev), 0);
	/* the other rules are untouched by it */
	assert_int_equal(st.r[RULE_THRESHOLD].seq, 0);
	eval_free(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fire_resolve_once),
		cmocka_unit_test(test_state_carries_seq),
		cmocka_unit_test(test_invalid_flags_ignored),
		cmocka_unit_test(test_river_quiet),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_float32_at_limit),
		cmocka_unit_test(test_do_below),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_for_duration),
		cmocka_unit_test(test_clear_count),
		cmocka_unit_test(test_warn_level),
		cmocka_unit_test(test_held_not_judged),
		cmocka_unit_test(test_stale_and_grace),
		cmocka_unit_test(test_rescheduled_stale),
		cmocka_unit_test(test_clock_step),
		cmocka_unit_test(test_comm_not_stale),
		cmocka_unit_test(test_quiet_holds_stale),
		cmocka_unit_test(test_flapping),
		cmocka_unit_test(test_flap_ring_lazy),
		cmocka_unit_test(test_fault_no_value_refused_not_fault),
		cmocka_unit_test(test_cumulative),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
