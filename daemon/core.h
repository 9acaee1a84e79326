/* core.h: the core loop's work: store, judge, file events */
#ifndef LW_CORE_H
#define LW_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/conf.h"
#include "../lib/sample.h"
#include "notify.h"
#include "store.h"

struct core;

struct core_stats {
	uint64_t	samples;	/* processed */
	uint64_t	stored;		/* RRD rows written */
	uint64_t	store_errors;	/* writes a file refused */
	struct store_stats store;	/* the buffer and the backend */
	uint64_t	log_errors;	/* sample log lines not written at once */
	size_t		log_waiting;	/* ... held until they can be */
	uint64_t	log_dropped;	/* ... lost: more than sample_buffer */
	uint64_t	events;		/* alert transitions filed */
	size_t		firing;		/* rules firing now */
};

/*
 * State for the sensors of C, filing events with N (both must outlive
 * it). NULL with err filled if the state directory cannot be used.
 */
struct core	*core_new(const struct conf *c, struct notify *n,
		    char err[LW_ERRLEN]);
/* File events with N from now on (NULL: none can be filed). */
void		 core_set_notify(struct core *, struct notify *n);
/* Take over the alert state of sensors that OLD knew by the same name. */
void		 core_adopt(struct core *, const struct core *old);
void		 core_free(struct core *);
/*
 * Store, judge and file events for N samples (reordered in place).
 * Samples of sensors the config no longer has are dropped.
 */
void		 core_process(struct core *, struct sample *s, size_t n);
void		 core_stats(const struct core *, struct core_stats *);
/*
 * Read the alert state saved by an earlier run. 0, or -1 with err filled
 * when it was unreadable (then the state starts afresh).
 */
int		 core_load_state(struct core *, char err[LW_ERRLEN]);
/* Time-based rules and manual maintenance at NOW; saves the state now
   and then. Call when core_next says. */
void		 core_tick(struct core *, time_t now);
/* The wall-clock second at which core_tick is next due (NOW if due). */
time_t		 core_next(const struct core *, time_t now);
/*
 * Write readings waiting for their RRD update: all of them if ALL (on
 * stop and reload), else those that waited store_batch seconds.
 */
void		 core_flush(struct core *, int all);
/* Save the alert state: now if FORCE, else when due or changed. */
void		 core_save(struct core *, int force);
/*
 * The wall clock stepped by D s: the alert state's times and the core's
 * clock move with it, so that a step neither fires nor holds off a rule
 * by its size.
 */
void		 core_clock_step(struct core *, time_t d);
/*
 * Capture and validity of sensor IDX today (数据获取率, 有效率): since
 * local midnight, or since the daemon started if it started later
 * (SINCE). EXPECTED is 0 for sampling = manual (not defined).
 */
struct core_today {
	time_t	since;
	int	expected;	/* by the schedule, since SINCE */
	int	obtained;	/* fresh rows with a value (any flag but B) */
	int	valid;		/* fresh rows with flag N or S */
};
/* Local midnight of the day T falls in (the station's zone). */
time_t		 core_midnight(time_t t);
void		 core_today(const struct core *, int idx, time_t now,
		    struct core_today *);
/* The last sample of sensor IDX (flag 0 if none yet) and its alert state. */
void		 core_last(const struct core *, int idx, struct sample *,
		    int *firing);

#endif
