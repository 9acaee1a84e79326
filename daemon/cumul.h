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
 * reading after a start or a reload that changed its plausible range or
 * its day and month rules, at the first of each new local day (what
 * `lakewatch import` added since counts from then on) and of a new
 * year, and after a reading stamped in a month it keeps no days of
 * (struct cumul_ytd). A reading counts on the
 * day of its measurement time when the instrument gives one, as the log
 * has it; the year to date is judged at the poll's time.
 */
#ifndef LW_CUMUL_H
#define LW_CUMUL_H

#include <time.h>

#include "../lib/conf.h"
#include "../lib/monthrule.h"

/*
 * What the year to date needs of a local year (8.8 kB in full, at every
 * TP sensor): the months before the month of the load judged once at the
 * load (the older ones as their sum as report_ytd_months adds them, the
 * previous one whole), and the days of the month of the load (0.8 kB).
 * A reading stamped in an earlier month of the year (one measured before
 * midnight of the 1st, a late one) has the sensor summed again from the
 * log (the reading is in it by then); one in a later month counts from
 * the next load, which comes before the poll's time reaches that month
 * (a new local day).
 */
struct cumul_ytd {
	int		 year;		/* the local year */
	int		 mon;		/* the month of the load, 1..12 */
	int		 reload;	/* a reading in an earlier month came */
	const struct conf_sensor *sensor; /* its range and rules */
	double		 sum;		/* of months 1..mon-2 (report_ytd_month) */
	int		 k;		/* how many of them counted */
	struct rp_month	 prev;		/* month mon-1 judged; mon 1: none */
	struct rp_day	 day[31];	/* of month mon */
};

struct cumul {
	struct cumul_ytd *y;	/* NULL not loaded */
	int		 day;	/* the local day of the last load (yday) */
};

/* 1 if the cumulative rule judges sensor SC (on, a class limit). */
int	cumul_wanted(const struct conf_sensor *sc);
/* localtime_r's date fields of T (not the time of day); NULL if none. */
struct tm *cumul_date(time_t t, struct tm *tm);
/* 1 if *CU is to be summed again from the log for a reading at T. */
int	cumul_due(const struct cumul *cu, time_t t);
/*
 * Sum *CU again from sensor SC's sample log: the local year of T, the
 * rows written so far (the reading at T among them). 0, or -1 with err
 * filled (CU then holds no day of that year).
 */
int	cumul_load(const struct conf *c, const struct conf_sensor *sc,
	    struct cumul *cu, time_t t, char err[LW_ERRLEN]);
/*
 * *CU from Y, sensor SC's days of the local year of T (report_load's;
 * T's month the month in progress).
 */
void	cumul_set(struct cumul *cu, const struct conf_sensor *sc,
	    const struct rp_year *y, time_t t);
/*
 * Count value V of flag FLAG at T (measurement time) as report_add; one
 * in a month before the previous makes *CU due for a load.
 */
void	cumul_add(struct cumul *cu, time_t t, double v, char flag);
/*
 * The year-to-date mean at T (of the month of the last load: cumul_due
 * 0): the valid months before T's and the month of T with its mean to
 * date (report_ytd_months); NAN if none.
 */
double	cumul_mean(const struct conf_sensor *sc, const struct cumul *cu,
	    time_t t);
/*
 * *DST takes SRC's days (a reload; SC, OSC the sensor after, before);
 * none if the range or the day and month rules changed (summed again).
 */
void	cumul_adopt(struct cumul *dst, const struct cumul *src,
	    const struct conf_sensor *sc, const struct conf_sensor *osc);
void	cumul_free(struct cumul *cu);
/* Make TZ (the [daemon] timezone; NULL or "" UTC) the zone of months. */
void	cumul_tz(const char *tz);

#endif
