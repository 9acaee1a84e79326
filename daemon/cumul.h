/*
 * cumul.h: the year-to-date mean of one sensor for the cumulative alert
 * rule (issue 12, item 10; the arithmetic is lib/ytd.h). Kept by the
 * core per sensor: the completed valid months' means of this (local)
 * year, and the days of the current month. Nothing is saved: it is
 * rebuilt from the sample log (samplelog_scan) at the sensor's first
 * valid reading after a start.
 *
 * The months are judged by the report's rules (tool/report.h, which the
 * daemon cannot include, restated here): a sample counts with flag N or
 * S within the plausible range; a day is valid with report_need of the
 * samples its schedule expects (day_min_fraction); a month's mean is the
 * mean of its valid days' means and it is valid with month_min_fraction
 * of its days valid. sampling = manual: the mean of the month's results,
 * valid with one. The month in progress counts with the mean of its
 * valid days so far (of its results so far), weighted as one month.
 */
#ifndef LW_CUMUL_H
#define LW_CUMUL_H

#include <time.h>

#include "../lib/conf.h"

struct cumul {
	int	loaded;		/* rebuilt from the sample log */
	int	year, month;	/* the local month being summed; 0 none */
	double	msum;		/* completed valid months of YEAR: means */
	int	mk;		/* ... how many */
	double	dsum[31];	/* the month's days: sum of valid values */
	int	dn[31];		/* ... how many */
};

/* 1 if the cumulative rule judges sensor SC (on, a class limit). */
int	cumul_wanted(const struct conf_sensor *sc);
/*
 * Rebuild *CU from sensor SC's sample log: the rows of the local year of
 * T that came before T. 0, or -1 with err filled (CU is then empty).
 */
int	cumul_load(const struct conf *c, const struct conf_sensor *sc,
	    struct cumul *cu, time_t t, char err[LW_ERRLEN]);
/* Count valid value V at T (a new local month closes the last one). */
void	cumul_add(const struct conf_sensor *sc, struct cumul *cu, time_t t,
	    double v);
/* The year-to-date mean, the month in progress included; NAN if none. */
double	cumul_mean(const struct conf_sensor *sc, const struct cumul *cu);
/* Make TZ (the [daemon] timezone; NULL or "" UTC) the zone of months. */
void	cumul_tz(const char *tz);

#endif
