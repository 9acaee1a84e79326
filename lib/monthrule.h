/*
 * monthrule.h: a sensor's days and months by the bulletin rules, the one
 * copy that `lakewatch report` (tool/report.h) and the daemon's
 * cumulative alert (daemon/cumul.h) apply (DOMAIN.md 1.2, 2.3). The
 * names keep the report_ prefix of the report they came from.
 *
 * Validity rules (project defaults, not quotations of HJ 915 or the 2020
 * statistics rule, which we could not read; all configurable):
 *  - a sample counts if its flag is N, or S (a set value an operator
 *    entered and accepted); M, C, D, F, T and B never count;
 *  - a day is a local day (the [daemon] timezone, default Asia/Shanghai:
 *    00:00-24:00 Beijing time, 16:00Z-16:00Z); it is valid with at least
 *    day_min_fraction (0.667) of the samples its schedule expects
 *    (86400 / cycle, or 86400 / interval without a cycle): 4 of 6 for a
 *    4-hour instrument; its mean is the mean of its valid samples;
 *  - a month's mean is the mean of its valid daily means; the month is
 *    valid with at least month_min_fraction (0.667) of its days valid
 *    (21 of 31, 19 of 28, 20 of 30); both fractions are per sensor,
 *    the [daemon] ones unless the sensor sets its own;
 *  - a sensor with sampling = manual (lab or periodic manual samples):
 *    a month with at least one valid result is valid and its mean is the
 *    mean of those results (the 2011 method evaluates a month on a single
 *    measurement or the mean of several); there is no day rule;
 *  - the cumulative mean of Jan..M is the mean of the valid monthly means
 *    (the 2011 method's annual mean is the mean of monthly values);
 *  - year on year compares only the months valid in both years (the
 *    mean of those months each year), and the sentence says which;
 *  - a fraction f needs ceil(n * (f - 0.0005)) of n: 0.667 reads as 2/3;
 *  - means are judged and compared at the sensor's decimals (GB/T 8170
 *    rounding, gb3838_round); year-on-year % and exceedance multiples are
 *    computed from those rounded means, as a bulletin would.
 */
#ifndef LW_MONTHRULE_H
#define LW_MONTHRULE_H

#include <time.h>

#include "conf.h"
#include "samplelog.h"

#define REPORT_DAYS	366

/* One local day of one sensor. */
struct rp_day {
	double	sum;		/* of the valid values */
	int	nvalid;		/* valid samples */
	int	nall;		/* rows of any flag */
	int	nlost;		/* rows the daemon could not write */
	int	nobt;		/* rows with a value from the instrument */
};

/* One local calendar year of daily sums, by day of the year (0 = 1 Jan). */
struct rp_year {
	int		year;
	const struct conf_sensor *sensor; /* its plausible range; NULL none */
	int		until;	/* days expected: day < until; 0 all */
	struct rp_day	day[REPORT_DAYS];
};

struct rp_rules {
	int	expected;		/* samples a day by the schedule */
	double	day_min_fraction;
	double	month_min_fraction;
	int	manual;			/* sampling = manual */
};

struct rp_month {
	int	month;		/* 1..12 */
	int	days;		/* in the month */
	int	need_days;	/* valid days a valid month needs */
	int	valid_days;
	int	samples;	/* valid samples on valid days */
	double	mean;		/* of the valid daily means; NAN if none */
	int	valid;		/* enough valid days */
	int	lost;		/* rows the daemon could not write (.lost) */
	int	expected;	/* samples the schedule expects; 0 manual */
	int	obtained;	/* of those, obtained (report_day_counts) */
	int	valid_rows;	/* of those, valid */
};

struct rp_cum {
	int	from, through;	/* months 1..12 */
	int	nmonths;	/* valid months averaged */
	double	mean;		/* NAN if none */
};

/* --- pure ------------------------------------------------------------ */

/* 1 if a sample with FLAG counts for statistics (N, S). */
int	 report_flag_valid(char flag);
/* The validity rules of sensor S (its fractions, its sampling). */
struct rp_rules report_rules(const struct conf_sensor *s);
/* Samples a day of sensor S is expected to have (at least 1). */
int	 report_expected(const struct conf_sensor *s);
/* How many of N a fraction F needs: ceil(N * (F - 0.0005)), at least 1. */
int	 report_need(int n, double f);
/* Mean of day D if it is valid under R, else NAN. */
double	 report_day_mean(const struct rp_day *d, const struct rp_rules *r);
/* Day of the year of the 1st of MONTH (1..12) of YEAR (0-based). */
int	 report_yday(int year, int month);
/* Month MONTH of Y under R into *M. */
void	 report_month(const struct rp_year *y, int month,
	    const struct rp_rules *r, struct rp_month *m);
/*
 * Month MONTH of YEAR under R into *M from its days DAY (DAY[0] the 1st),
 * of which the first BEGUN expect samples (report_month: Y->until).
 */
void	 report_month_days(const struct rp_day *day, int year, int month,
	    int begun, const struct rp_rules *r, struct rp_month *m);
/* Cumulative mean of the valid months FROM..THROUGH of M (M[0] = Jan). */
void	 report_cumulative(const struct rp_month m[12], int from,
	    int through, struct rp_cum *out);
/*
 * The months of the year-to-date mean (lib/ytd.h) in M (M[0] = January):
 * the valid months 1..THROUGH, and CURRENT (1..12, the month in
 * progress; 0 none) with its mean to date even though it is not yet
 * valid. The sum of their means into *SUM, *CUR CURRENT if it counted
 * (else 0); returns how many.
 */
int	 report_ytd_months(const struct rp_month m[12], int through,
	    int current, double *sum, int *cur);
/*
 * One step of report_ytd_months: month MONTH (MO) into *SUM if it
 * counts, CURRENT the month in progress; 1 if it counted. Months added
 * in order 1, 2, ... give report_ytd_months' very sum.
 */
int	 report_ytd_month(const struct rp_month *mo, int month, int current,
	    double *sum, int *cur);
/*
 * Capture and validity rates (数据获取率, 有效率), our rule (the 2020
 * statistics rule's wording could not be read here): a day of a
 * continuous sensor expects report_expected() samples; obtained are the
 * rows with a value from the instrument, whatever their flag but B
 * (no communication: nothing obtained); valid are the rows the
 * statistics count (N or S, within the plausible range). Each is counted
 * up to the day's expected number, so that a day of extra rows does not
 * make up for a day without. A manual (lab) sensor has no schedule: its
 * expected count is 0, its rates are not defined.
 */
void	 report_day_counts(const struct rp_day *d, const struct rp_rules *r,
	    int *obtained, int *valid);

/* --- time and files (TZ dependent) ------------------------------------ */

/*
 * Add a row to Y if it falls in Y's local year; 1 if it did, else 0. A
 * row counts as valid only with flag N or S and a value within the
 * plausible range of Y's sensor (a log may predate that check).
 */
int	 report_add(struct rp_year *y, const struct samplelog_row *r);
/* Add row R to day D as report_add does (SENSOR: its range; NULL none). */
void	 report_add_day(struct rp_day *d, const struct conf_sensor *sensor,
	    const struct samplelog_row *r);
/* Local-time start of day 1 of MONTH of YEAR (MONTH 13: next January). */
time_t	 report_month_start(int year, int month);
/*
 * 0: report_load sums every row again (--no-cache); 1 (the default):
 * from the month files' daily sums, kept in their .days (sampleday.h).
 */
void	 report_cache(int on);
/*
 * Sum sensor NAME's samples of local year YEAR into *Y, with the rows
 * recorded as lost (<month>.lost, by the local day of each record's
 * first row): from each month file's daily sums (lib/sampleday.h, kept
 * in its .days), the very doubles a row-by-row scan gives, or row by
 * row (report_cache(0); or a row outside its month file). 0 or -1.
 */
int	 report_load(const struct conf *c, const char *name, int year,
	    struct rp_year *y, char err[LW_ERRLEN]);

#endif
