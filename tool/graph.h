/*
 * graph.h: a sensor's RRD graph through librrd's rrd_graph_v: the series,
 * a MIN/MAX band for long ranges, GB 3838 class bands, the target limit,
 * and the periods the sample log flags (maintenance, fault, comms lost).
 * Used by `lakewatch graph` and `lakewatch dashboard`.
 */
#ifndef LW_GRAPH_H
#define LW_GRAPH_H

#include <stddef.h>
#include <time.h>

#include "../lib/conf.h"

/* kinds of flagged period, each drawn in its own colour */
#define GRAPH_MAINT	'M'	/* M, C: maintenance or calibration */
#define GRAPH_FAULT	'D'	/* D, F, T: fault, stopped, over range */
#define GRAPH_COMM	'B'	/* B: logger <-> instrument comms lost */

struct graph_period {
	time_t	from, to;	/* [from, to) */
	char	kind;		/* GRAPH_* */
};

struct graph_periods {
	struct graph_period	*p;	/* by time */
	size_t			 n, cap;
};

struct graph_opts {
	time_t		 start, end;
	int		 width, height;	/* of the whole image, pixels */
	int		 svg;		/* else PNG */
	const char	*what;		/* in the title: "last 7 days" */
	int		 info;		/* print rrd's graph info (graphv) */
};

/*
 * Flagged periods of sensor S over [FROM, TO) from the sample log: a
 * flagged sample lasts until the next sample, at most the sensor's
 * stale_after. *GP is filled (graph_periods_free it). 0, or -1.
 */
int	graph_periods_load(const struct conf *c, const struct conf_sensor *s,
	    time_t from, time_t to, struct graph_periods *gp,
	    char err[LW_ERRLEN]);
void	graph_periods_free(struct graph_periods *gp);
/*
 * Draw sensor S per O into OUT (written beside it, then renamed), with
 * the periods of GP (may be NULL). 0, or -1 with err filled.
 */
int	graph_render(const struct conf *c, const struct conf_sensor *s,
	    const struct graph_opts *o, const struct graph_periods *gp,
	    const char *out, char err[LW_ERRLEN]);

#endif
