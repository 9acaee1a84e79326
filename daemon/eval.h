/* eval.h: per-sensor alert rules as pure state machines (time is an input) */
#ifndef LW_EVAL_H
#define LW_EVAL_H

#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "event.h"
#include "sample.h"

/* State of the threshold rule of one sensor; owned by the core loop. */
struct alarm_state {
	int		firing;
	time_t		since;		/* when it started firing */
	uint64_t	seq;		/* transitions so far; names events */
};

/*
 * Judge sample S of sensor SC against its GB 3838 target class. Only
 * valid (flag N) samples count. The value is rounded to sc->decimals
 * first; limits are inclusive. Fires when the value is worse than the
 * target class, resolves when it is back within the limit by at least
 * sc->hysteresis. On a transition fills EV, updates ST and returns 1;
 * otherwise returns 0 and leaves both alone.
 */
int	eval_sample(const struct conf_sensor *sc, struct alarm_state *st,
	    const struct sample *s, struct event *ev);

#endif
