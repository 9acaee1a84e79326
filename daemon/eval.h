/* eval.h: per-sensor alert rules as pure state machines (time is an input) */
#ifndef LW_EVAL_H
#define LW_EVAL_H

#include <stdint.h>
#include <time.h>

#include "../lib/conf.h"
#include "../lib/event.h"
#include "../lib/sample.h"

/*
 * The rules of one sensor. threshold: a valid reading worse than the
 * target class (or crit); warn: beyond the optional warn level; stale:
 * no valid reading for stale_after; comm: comm_after failed polls in a
 * row; fault: fault_after readings flagged D, T or F in a row;
 * cumulative: the projected year-to-date mean (lib/ytd.h, daemon/cumul.h)
 * worse than the target class.
 */
enum rule { RULE_THRESHOLD, RULE_WARN, RULE_STALE, RULE_COMM, RULE_FAULT,
	RULE_CUMULATIVE, RULE_COUNT };

#define EVAL_MAX_EVENTS	RULE_COUNT

/*
 * Widest fields first and the flags in bytes: one of these is kept for
 * each rule of each sensor (18000 in a farm of 1000 analyzers), and the
 * padding of ints between times was a quarter of it.
 */
struct rule_state {
	time_t		since;		/* when firing began */
	time_t		pend_since;	/* a change is pending since; 0 none */
	uint64_t	seq;		/* events so far; names the next one */
	/*
	 * Recent transitions, a ring of FLAP_MAX made at the rule's first
	 * (most rules of most sensors never change: 128 B each saved).
	 */
	time_t		*changes;
	double		value;		/* the value last judged */
	int		pend_count;	/* readings the pending change held */
	int		nchanges;
	char		firing;		/* the condition, as judged */
	char		notified;	/* the state receivers were told */
	char		held;		/* flapping: no events until calm */
};

/* Alert state of one sensor; owned by the core loop, saved in state.json. */
struct alarm_state {
	struct rule_state r[RULE_COUNT];
	time_t		started;	/* daemon start: the grace period */
	time_t		last_valid;	/* last valid fresh reading */
	time_t		stale_from;	/* no stale before stale_after past
					   this (eval_rescheduled); 0 none */
	int		fails;		/* failed polls in a row */
	int		faults;		/* fault readings in a row */
	char		seen;		/* a poll result came since start */
	char		last_flag;
	char		quiet;		/* M/C: threshold and stale suppressed */
};

/* The rules' rings go; ST may be all zero. */
void	eval_free(struct alarm_state *st);
/* *DST is *SRC with rings of its own (DST's are not freed). */
void	eval_copy(struct alarm_state *dst, const struct alarm_state *src);
/* A ring for R's transitions if it has none (zeros). */
void	eval_ring(struct rule_state *r);

/* Start (or restart, keeping ST's rules) at time NOW. */
void	eval_start(struct alarm_state *st, time_t now);
/*
 * Judge sample S of sensor SC (at time s->t). Writes the events of the
 * transitions it caused to EV (room for EVAL_MAX_EVENTS) and returns
 * their number. Only valid fresh readings count for the threshold rules;
 * values are rounded to sc->decimals first and limits are inclusive.
 */
int	eval_sample(const struct conf_sensor *sc, struct alarm_state *st,
	    const struct sample *s, struct event *ev);
/*
 * The cumulative rule of SC at T: MEAN is the projected year-to-date
 * mean after a valid reading (the completed valid months' means and the
 * month to date, weighted as months), judged like the threshold rule
 * against the target class (rounded, limits inclusive, for/clear_for,
 * hysteresis, flapping). NAN, a parameter without a class or
 * cumulative = off: nothing is judged. Events as eval_sample.
 */
int	eval_cumulative(const struct conf_sensor *sc, struct alarm_state *st,
	    double mean, time_t t, struct event *ev);
/* The time-based rules (stale, the end of flapping) at NOW; as above. */
int	eval_tick(const struct conf_sensor *sc, struct alarm_state *st,
	    time_t now, struct event *ev);
/*
 * The sensor's schedule changed (a reload): judge stale from FIRST, the
 * first poll due on the new schedule, as well as from the last valid
 * reading, which came on the old one's interval.
 */
void	eval_rescheduled(struct alarm_state *st, time_t first);
/* The wall clock stepped by D s: move the times in ST with it. */
void	eval_clock_step(struct alarm_state *st, time_t d);
/* "threshold", "warn", ... */
const char *eval_rule_name(enum rule);
/* 1 if any rule of ST is firing (as notified). */
int	eval_firing(const struct alarm_state *st);

#endif
