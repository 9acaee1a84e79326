/*
 * report.h: bulletin statistics from the sample log (DOMAIN.md 1.2, 2.3),
 * which `report` and `dashboard` share; the log is read by
 * samplelog_scan (lib/samplelog.h). The rules of days, months and the
 * cumulative mean, and the loading of a year's days, are
 * lib/monthrule.h: the daemon's cumulative alert applies the same.
 */
#ifndef LW_REPORT_H
#define LW_REPORT_H

#include <time.h>

#include "../lib/conf.h"
#include "../lib/monthrule.h"
#include "../lib/samplelog.h"
#include "../lib/ytd.h"

/* Capture and validity (数据获取率, 有效率) of some days or months. */
struct rp_rate {
	long	expected;	/* 0: not defined (sampling = manual) */
	long	obtained;
	long	valid;
};

/* --- pure ------------------------------------------------------------ */

/* Months 1..THROUGH valid in both A and B (bit 0: January). */
unsigned report_common_months(const struct rp_month a[12],
	    const struct rp_month b[12], int through);
/* Mean of the months of MASK in M (bit 0: January); NAN if none. */
double	 report_mask_mean(const struct rp_month m[12], unsigned mask);
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
