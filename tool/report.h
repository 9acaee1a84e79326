/*
 * report.h: bulletin statistics from the sample log (DOMAIN.md 1.2, 2.3),
 * which `report` and `dashboard` share; the log is read by
 * samplelog_scan (lib/samplelog.h).
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
#ifndef LW_REPORT_H
#define LW_REPORT_H

#include <time.h>

#include "../lib/conf.h"
#include "../lib/samplelog.h"
#include "../lib/ytd.h"

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

/* Capture and validity (数据获取率, 有效率) of some days or months. */
struct rp_rate {
	long	expected;	/* 0: not defined (sampling = manual) */
	long	obtained;
	long	valid;
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
/* Months 1..THROUGH valid in both A and B (bit 0: January). */
unsigned report_common_months(const struct rp_month a[12],
	    const struct rp_month b[12], int through);
/* Mean of the months of MASK in M (bit 0: January); NAN if none. */
double	 report_mask_mean(const struct rp_month m[12], unsigned mask);
/* Cumulative mean of the valid months FROM..THROUGH of M (M[0] = Jan). */
void	 report_cumulative(const struct rp_month m[12], int from,
	    int through, struct rp_cum *out);
/*
 * Year-on-year change in % of CUR against PREV, both rounded to DECIMALS
 * first; NAN if either is missing or PREV rounds to 0.
 */
double	 report_yoy(double cur, double prev, int decimals);
/*
 * Times over (超标倍数): (C - C_III) / C_III of VALUE (rounded to the
 * sensor's decimals) against Class III, the bulletin figure, whatever the
 * target class, when it is worse than Class III; 0 if it is not; NAN if
 * the parameter has no upper limit (DO, pH, temperature...).
 */
double	 report_multiple(const struct conf_sensor *s, double value);
/* The same against the sensor's target class (the operator's figure). */
double	 report_target_multiple(const struct conf_sensor *s, double value);

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
/* 100 * N / EXPECTED, NAN when EXPECTED is 0 (not defined). */
double	 report_rate(long n, long expected);
/* The counts of months FROM..THROUGH of M (M[0] = January) into *OUT. */
void	 report_rates(const struct rp_month m[12], int from, int through,
	    struct rp_rate *out);

/* --- time and files (TZ dependent) ------------------------------------ */

/*
 * Make TZ the zone of local days, months and graph axes (setenv TZ):
 * a tzdata name ("Asia/Shanghai"), a POSIX string ("CST-8"); NULL or ""
 * is UTC. 0, or -1 with err filled if the zone does not exist.
 */
int	 report_tz(const char *tz, char err[LW_ERRLEN]);
/*
 * Add a row to Y if it falls in Y's local year; 1 if it did, else 0. A
 * row counts as valid only with flag N or S and a value within the
 * plausible range of Y's sensor (a log may predate that check).
 */
int	 report_add(struct rp_year *y, const struct samplelog_row *r);
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

/* --- a sensor's report, a site's assessment ------------------------- */

/* Everything a sensor's report says. */
struct rp_sensor {
	const struct conf_sensor *s;
	int		 year;
	struct rp_rules	 rules;
	struct rp_month	 m[12], pm[12];	/* this year, the year before */
	struct rp_cum	 cum, pcum;
	double		 mean, pmean;	/* rounded; NAN if none */
	double		 yoy;		/* %, over the months of ymask */
	unsigned	 ymask;		/* months valid in both years, bit 0 Jan */
	double		 multiple;	/* of the cumulative mean, vs III */
	double		 tmultiple;	/* the same vs the target class */
	double		 limit;		/* of the target class; NAN none */
	int		 cls;		/* of the cumulative mean */
	int		 last;		/* last month with a mean, 0 none */
	struct ytd	 ytd;		/* the year-to-date risk (report_ytd) */
	int		 ytd_current;	/* its month to date, 0 none */
};

/* A site's sensors, assessed together. */
struct rp_site {
	const char	*site;
	int		 year;
	struct rp_sensor *r;
	size_t		 n;
	int		 through;
	int		 cls;		/* worst assessed class, 0 none */
	int		 tn;		/* TN of lakes, assessed apart */
};

/* One main pollutant (主要污染指标) of a site. */
struct rp_pollutant {
	const struct rp_sensor *r;
	int		 cls;
	double		 times_over;	/* vs Class III; NAN: DO, pH, temp */
};

#define REPORT_MAIN_MAX	3

/*
 * Load sensor S's months of YEAR and of the year before into *R, and
 * R->last, the last month of YEAR with a mean. 0, or -1 with err filled.
 */
int	 report_sensor_load(const struct conf *c, const struct conf_sensor *s,
	    int year, struct rp_sensor *r, char err[LW_ERRLEN]);
/* The cumulative figures of *R from January through THROUGH. */
void	 report_sensor_sum(struct rp_sensor *r, int through);
/* The class of month M's mean (0: none). */
int	 report_month_class(const struct rp_sensor *r,
	    const struct rp_month *m);
/* 1 if valid month M met the target class. */
int	 report_month_met(const struct rp_sensor *r, const struct rp_month *m);
/* 1 if R counts for the site's class (TN of lakes is assessed apart). */
int	 report_site_assessed(const struct rp_sensor *r);
/* Sum each sensor of ST through ST->through; the site's classes. */
void	 report_site_judge(struct rp_site *st);
/*
 * The main pollutants (主要污染指标) of judged site ST by the 2011
 * method into OUT, worst first: none unless the site is worse than Class
 * III; the assessed parameters worse than Class III, worst class first,
 * ties by times over, at most REPORT_MAIN_MAX. Returns how many.
 */
size_t	 report_main_pollutants(const struct rp_site *st,
	    struct rp_pollutant out[REPORT_MAIN_MAX]);

/*
 * The year-to-date risk of *R summed through THROUGH into R->ytd
 * (lib/ytd.h): the valid months 1..THROUGH, and CURRENT (1..12, the
 * month in progress; 0 none) with its mean to date even though it is not
 * yet valid; the months after THROUGH are to come.
 */
void	 report_ytd(struct rp_sensor *r, int through, int current);
/* The month in progress at NOW (local time) if it is in YEAR, else 0. */
int	 report_current_month(int year, time_t now);

/*
 * Month MONTH of R as a period of its own into *OUT: the figures of the
 * cumulative fields (cum, mean, class, times over, year on year) are
 * that month's alone, none if it is not valid.
 */
void	 report_sensor_month(const struct rp_sensor *r, int month,
	    struct rp_sensor *out);
/*
 * Month MONTH of judged site ST into *OUT, its sensors' months in BUF
 * (ST->n of them): the class and sensors' figures of that month.
 */
void	 report_site_month(const struct rp_site *st, int month,
	    struct rp_site *out, struct rp_sensor *buf);

#endif
