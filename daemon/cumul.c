/* cumul.c: a sensor's year-to-date mean for the cumulative rule (cumul.h) */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "../lib/monthrule.h"
#include "../lib/samplelog.h"
#include "../lib/util.h"
#include "cumul.h"

/* cumul_tz's zone: a cumul_date remembered under another is stale */
static _Atomic unsigned tz_gen = 1;

static int
same_date(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_yday == b->tm_yday;
}

/* The day [*FROM, *TO) of local date TM (from T), checked; -1 if none. */
static int
day_bounds(time_t t, const struct tm *tm, time_t *from, time_t *to)
{
	struct tm m = *tm, x;
	time_t u;

	m.tm_hour = m.tm_min = m.tm_sec = 0;
	m.tm_isdst = -1;
	*from = mktime(&m);
	m = *tm;
	m.tm_mday++;
	m.tm_hour = m.tm_min = m.tm_sec = 0;
	m.tm_isdst = -1;
	*to = mktime(&m);
	if (*from == -1 || *to == -1 || *from > t || *to <= t)
		return -1;
	/* a midnight that does not exist: mktime may move either way */
	u = *from - 1;
	if (localtime_r(from, &x) == NULL || !same_date(&x, tm) ||
	    localtime_r(&u, &x) == NULL || same_date(&x, tm))
		return -1;
	u = *to - 1;
	if (localtime_r(&u, &x) == NULL || !same_date(&x, tm) ||
	    localtime_r(to, &x) == NULL || same_date(&x, tm))
		return -1;
	return 0;
}

/*
 * localtime_r for the date only (year, month, day of month and of year),
 * all the cumulative rule asks, remembered from a local midnight to the
 * next: glibc parses the zone's rule anew for every time past its table
 * (four calls a TP reading were a twentieth of a quiet station's CPU).
 */
struct tm *
cumul_date(time_t t, struct tm *tm)
{
	static _Thread_local time_t from = 1, to = 0;
	static _Thread_local unsigned gen;
	static _Thread_local struct tm day;

	if (gen == tz_gen && t >= from && t < to) {
		*tm = day;
		return tm;
	}
	if (localtime_r(&t, tm) == NULL)
		return NULL;
	if (day_bounds(t, tm, &from, &to) == -1) {
		from = 1;
		to = 0;
		return tm;
	}
	day = *tm;
	gen = tz_gen;
	return tm;
}

int
cumul_wanted(const struct conf_sensor *sc)
{
	double lim;

	return sc->alert.cumulative && gb3838_direction(sc->parameter) != 0 &&
	    gb3838_limit(sc->parameter, sc->water_body, sc->target_class,
	    &lim) == 0;
}

int
cumul_due(const struct cumul *cu, time_t t)
{
	struct tm tm;

	if (cu->y == NULL || cu->y->reload)
		return 1;
	if (cumul_date(t, &tm) == NULL)
		return 0;
	/* a clock stepped back into an earlier month too */
	return tm.tm_year + 1900 != cu->y->year || tm.tm_yday > cu->day ||
	    tm.tm_mon + 1 != cu->y->mon;
}

void
cumul_set(struct cumul *cu, const struct conf_sensor *sc,
    const struct rp_year *full, time_t t)
{
	struct rp_rules rules = report_rules(sc);
	struct cumul_ytd *y;
	struct rp_month m;
	struct tm tm;
	int i, cur;

	if (cu->y == NULL && (cu->y = malloc(sizeof(*cu->y))) == NULL)
		fatal("cumul");
	y = cu->y;
	memset(y, 0, sizeof(*y));
	if (cumul_date(t, &tm) == NULL)
		tm = (struct tm){ .tm_year = 70 };
	cu->day = tm.tm_yday;
	y->year = full->year;
	y->mon = tm.tm_mon + 1;
	y->sensor = sc;
	/* the older months, added in order as report_ytd_months adds */
	for (i = 1; i < y->mon - 1; i++) {
		report_month(full, i, &rules, &m);
		y->k += report_ytd_month(&m, i, y->mon, &y->sum, &cur);
	}
	/* the previous month all its days, as the month in progress ends */
	if (y->mon >= 2)
		report_month_days(&full->day[report_yday(y->year, y->mon - 1)],
		    y->year, y->mon - 1, days_in_month(y->year, y->mon - 1),
		    &rules, &y->prev);
	memcpy(y->day, &full->day[report_yday(y->year, y->mon)],
	    days_in_month(y->year, y->mon) * sizeof(struct rp_day));
}

int
cumul_load(const struct conf *c, const struct conf_sensor *sc,
    struct cumul *cu, time_t t, char err[LW_ERRLEN])
{
	struct rp_year *y;
	struct tm tm;
	int rc;

	/* the whole year for a moment: the months the report reads */
	if ((y = malloc(sizeof(*y))) == NULL)
		fatal("cumul");
	if (cumul_date(t, &tm) == NULL)
		tm = (struct tm){ .tm_year = 70 };
	/* the month files the report reads, through the same .days */
	if ((rc = report_load(c, sc->name, tm.tm_year + 1900, y,
	    err)) == -1) {
		memset(y, 0, sizeof(*y));
		y->year = tm.tm_year + 1900;
	}
	y->sensor = sc;
	cumul_set(cu, sc, y, t);
	free(y);
	return rc;
}

void
cumul_add(struct cumul *cu, time_t t, double v, char flag)
{
	struct samplelog_row r;
	struct tm tm;

	if (cu->y == NULL || cumul_date(t, &tm) == NULL ||
	    tm.tm_year + 1900 != cu->y->year)
		return;
	if (tm.tm_mon + 1 > cu->y->mon)
		return;		/* the load at the poll's new day reads it */
	if (tm.tm_mon + 1 < cu->y->mon) {
		cu->y->reload = 1;	/* the log has it: sum again */
		return;
	}
	memset(&r, 0, sizeof(r));
	r.t = t;
	r.value = v;
	r.flag = flag;
	report_add_day(&cu->y->day[tm.tm_mday - 1], cu->y->sensor, &r);
}

double
cumul_mean(const struct conf_sensor *sc, const struct cumul *cu, time_t t)
{
	const struct cumul_ytd *y = cu->y;
	struct rp_rules rules = report_rules(sc);
	struct rp_month m;
	struct tm tm;
	double sum;
	int k, cur;

	if (y == NULL || cumul_date(t, &tm) == NULL ||
	    tm.tm_year + 1900 != y->year || tm.tm_mon + 1 != y->mon)
		return NAN;
	/* report_ytd_months' sum: months 1..mon-2, mon-1, mon in order */
	sum = y->sum;
	k = y->k;
	if (y->mon >= 2)
		k += report_ytd_month(&y->prev, y->mon - 1, y->mon, &sum,
		    &cur);
	report_month_days(y->day, y->year, y->mon,
	    days_in_month(y->year, y->mon), &rules, &m);
	k += report_ytd_month(&m, y->mon, y->mon, &sum, &cur);
	return k ? sum / k : NAN;
}

/* A and B are one bound (NAN: none) */
static int
same(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

void
cumul_adopt(struct cumul *dst, const struct cumul *src,
    const struct conf_sensor *sc, const struct conf_sensor *osc)
{
	struct rp_rules a = report_rules(sc), b = report_rules(osc);

	memset(dst, 0, sizeof(*dst));
	/*
	 * another plausible range counts other rows, other rules judge
	 * the months kept judged otherwise: sum them again
	 */
	if (src->y == NULL || !same(sc->plausible_min, osc->plausible_min) ||
	    !same(sc->plausible_max, osc->plausible_max) ||
	    a.expected != b.expected || a.manual != b.manual ||
	    a.day_min_fraction != b.day_min_fraction ||
	    a.month_min_fraction != b.month_min_fraction)
		return;
	if ((dst->y = malloc(sizeof(*dst->y))) == NULL)
		fatal("cumul");
	*dst->y = *src->y;
	dst->y->sensor = sc;
	dst->day = src->day;
}

void
cumul_free(struct cumul *cu)
{
	free(cu->y);
	cu->y = NULL;
}

void
cumul_tz(const char *tz)
{
	char path[PATH_MAX];

	if (tz == NULL || tz[0] == '\0')
		tz = "UTC0";
	else if (tz_path(tz, path, sizeof(path)) == 1) {
		if (access(path, R_OK) == -1)
			log_warnx("timezone '%s': not found (is tzdata "
			    "installed?): months of the cumulative rule are "
			    "UTC months", tz);
	}
	if (setenv("TZ", tz, 1) == -1)
		log_warn("setenv TZ");
	tzset();
	tz_gen++;
}
