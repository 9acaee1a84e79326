/*
 * cumul.h: the year-to-date mean of one sensor for the cumulative alert
 * rule (issue 12, item 10; the arithmetic is lib/ytd.h). Kept by the
 * core per sensor: the days of the sensor's local year, summed from the
 * sample log the way `lakewatch report` sums them (report_load,
 * lib/monthrule.h: through the month files' .days, which the daemon
 * keeps too), and the valid readings that came since. The months and
 * the year-to-date mean are judged from those days by the report's own
 * rules (report_month, report_ytd_months): one copy of them.
 *
 * The days are summed again from the log at the sensor's first valid
 * reading after a start or a reload that changed its plausible range,
 * at the first of each new local day (what `lakewatch import` added
 * since counts from then on) and of a new year. A reading counts on the
 * day of its measurement time when the instrument gives one, as the log
 * has it; the year to date is judged at the poll's time.
 */
#ifndef LW_CUMUL_H
#define LW_CUMUL_H

#include <time.h>

#include "../lib/conf.h"
#include "../lib/monthrule.h"

struct cumul {
	struct rp_year	*y;	/* the local year's days; NULL not loaded */
	int		 day;	/* the local day of the last load (yday) */
};

/* 1 if the cumulative rule judges sensor SC (on, a class limit). */
int	cumul_wanted(const struct conf_sensor *sc);
/* 1 if *CU is to be summed again from the log for a reading at T. */
int	cumul_due(const struct cumul *cu, time_t t);
/*
 * Sum *CU again from sensor SC's sample log: the local year of T, the
 * rows written so far (the reading at T among them). 0, or -1 with err
 * filled (CU then holds no day of that year).
 */
int	cumul_load(const struct conf *c, const struct conf_sensor *sc,
	    struct cumul *cu, time_t t, char err[LW_ERRLEN]);
/* Count value V of flag FLAG at T (measurement time) as report_add. */
void	cumul_add(struct cumul *cu, time_t t, double v, char flag);
/*
 * The year-to-date mean at T: the valid months before T's and the month
 * of T with its mean to date (report_ytd_months); NAN if none.
 */
double	cumul_mean(const struct conf_sensor *sc, const struct cumul *cu,
	    time_t t);
/* *DST takes SRC's days (a reload; SC, OSC the sensor after, before). */
void	cumul_adopt(struct cumul *dst, const struct cumul *src,
	    const struct conf_sensor *sc, const struct conf_sensor *osc);
void	cumul_free(struct cumul *cu);
/* Make TZ (the [daemon] timezone; NULL or "" UTC) the zone of months. */
void	cumul_tz(const char *tz);

#endif
