/*
 * test_cumul.c: the daemon's year-to-date mean (daemon/cumul.c) is the
 * report's (report_ytd, tool/report.c) for the same days: one copy of
 * the month rules (lib/monthrule.c). Worked by hand below; then years
 * of readings through the compact cumul (two months of days) and
 * through whole years of days judged as the report judges them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../daemon/cumul.h"
#include "../../tool/report.c"

static struct conf_sensor
tp(enum sampling sampling)
{
	static char site[] = "长荡湖湖心", unit[] = "mg/L", name[] = "c-tp";
	struct conf_sensor s;

	memset(&s, 0, sizeof(s));
	s.name = name;
	s.site = site;
	s.unit_label = unit;
	s.parameter = PARAM_TP;
	s.water_body = WATER_LAKE;
	s.target_class = 3;
	s.decimals = 3;
	s.interval = 60;
	s.cycle = 4 * 3600;	/* 6 a day, a valid day needs 4 */
	s.day_min_fraction = s.month_min_fraction = 0.667;
	s.sampling = sampling;
	s.plausible_min = s.plausible_max = NAN;
	s.alert.cumulative = 1;
	return s;
}

/* Beijing time 2025-M-D H:00 */
static time_t
bj(int m, int d, int h)
{
	return (time_t)days_civil(2025, m, d) * 86400 + (h - 8) * 3600;
}

/* The report's year-to-date mean of Y's days through month THROUGH. */
static double
report_mean(const struct conf_sensor *s, const struct rp_year *y,
    int through)
{
	struct rp_sensor r;
	int i;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.year = y->year;
	r.rules = report_rules(s);
	for (i = 0; i < 12; i++)
		report_month(y, i + 1, &r.rules, &r.m[i]);
	report_sensor_sum(&r, through);
	report_ytd(&r, through, through);
	return r.ytd.mean;
}

/*
 * The year to date as the daemon had it when it kept the whole year:
 * every month of Y judged again at each reading.
 */
static double
full_mean(const struct conf_sensor *sc, const struct rp_year *y, time_t t)
{
	struct rp_rules rules = report_rules(sc);
	struct rp_month m[12];
	struct tm tm;
	double sum;
	int i, k, cur;

	if (localtime_r(&t, &tm) == NULL || tm.tm_year + 1900 != y->year)
		return NAN;
	for (i = 0; i <= tm.tm_mon; i++)
		report_month(y, i + 1, &rules, &m[i]);
	k = report_ytd_months(m, tm.tm_mon + 1, tm.tm_mon + 1, &sum, &cur);
	return k ? sum / k : NAN;
}

/*
 * A cumul and the sample log it loads from, as the report reads it: the
 * whole of each year's days (2025, 2026).
 */
struct both {
	const struct conf_sensor *s;
	struct rp_year	 log[2];
	struct cumul	 cu;
	int		 loads;
};

static void
both_init(struct both *b, const struct conf_sensor *s)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	b->log[0].year = 2025;
	b->log[1].year = 2026;
	b->log[0].sensor = b->log[1].sensor = s;
}

/* The log's year of T */
static const struct rp_year *
both_year(const struct both *b, time_t t)
{
	struct tm tm;

	assert_non_null(localtime_r(&t, &tm));
	assert_in_range(tm.tm_year + 1900, 2025, 2026);
	return &b->log[tm.tm_year + 1900 - 2025];
}

/*
 * A reading polled at POLL, measured at WHEN, the way the core takes it
 * (core.c, cumulative): into the log (audit), then into the cumul, or
 * the cumul loaded from the log when due.
 */
static void
both_add(struct both *b, time_t poll, time_t when, double v, char flag)
{
	struct samplelog_row r;

	memset(&r, 0, sizeof(r));
	r.t = when;
	r.value = v;
	r.flag = flag;
	if (report_add(&b->log[0], &r) == 0)
		report_add(&b->log[1], &r);
	if (!cumul_due(&b->cu, poll))
		cumul_add(&b->cu, when, v, flag);
	if (cumul_due(&b->cu, poll)) {
		cumul_set(&b->cu, b->s, both_year(b, poll), poll);
		b->loads++;
	}
}

/* The cumul's mean at POLL is the whole year's, to the last bit. */
static double
both_check(const struct both *b, time_t poll)
{
	const struct rp_year *y = both_year(b, poll);
	double m = cumul_mean(b->s, &b->cu, poll), f = full_mean(b->s, y,
	    poll);
	struct tm tm;

	assert_true(m == f || (isnan(m) && isnan(f)));
	assert_non_null(localtime_r(&poll, &tm));
	f = report_mean(b->s, y, tm.tm_mon + 1);
	assert_true(m == f || (isnan(m) && isnan(f)));
	return m;
}

/* Days 1..N of month M, 6 results a day at V (the daemon's path). */
static void
days(struct both *b, int m, int n, double v)
{
	int d, h;

	for (d = 1; d <= n; d++)
		for (h = 0; h < 24; h += 4)
			both_add(b, bj(m, d, h), bj(m, d, h), v, 'N');
}

/*
 * Jan, Feb 0.040; March 0.200 on 20 of 31 days (21 needed: out);
 * April 0.085 on 20 of 30 (20 needed: in); May 0.045; June 1-9 0.045,
 * the month in progress. (0.040 + 0.040 + 0.085 + 0.045 + 0.045) / 5 =
 * 0.051, over the lake TP limit 0.05; a flag M or implausible row and a
 * day of 3 results (under 4) do not count.
 */
static void
test_continuous(void **state)
{
	struct conf_sensor s = tp(SAMPLING_CONTINUOUS);
	struct both b;
	double m;

	(void)state;
	s.plausible_max = 1;
	both_init(&b, &s);
	days(&b, 1, 31, 0.04);
	days(&b, 2, 28, 0.04);
	days(&b, 3, 20, 0.2);
	days(&b, 4, 20, 0.085);
	days(&b, 5, 31, 0.045);
	days(&b, 6, 9, 0.045);
	both_add(&b, bj(6, 9, 21), bj(6, 3, 1), 0.9, 'M');
	both_add(&b, bj(6, 9, 21), bj(6, 3, 2), 5, 'N');
	both_add(&b, bj(6, 9, 22), bj(4, 25, 1), 0.9, 'N');
	both_add(&b, bj(6, 9, 22), bj(4, 25, 5), 0.9, 'N');
	both_add(&b, bj(6, 9, 22), bj(4, 25, 9), 0.9, 'N');
	m = both_check(&b, bj(6, 9, 23));
	assert_true(fabs(m - 0.051) < 1e-12);
	assert_true(gb3838_round(m, 3) == 0.051);
	/* 1 January 2026, 01:00: another year, nothing of this one */
	assert_true(isnan(cumul_mean(&s, &b.cu, bj(12, 31, 25))));
	cumul_free(&b.cu);
}

/*
 * Manual: one result a month is a month. 0.040 x 3, April 0.090, May
 * 0.050, June (in progress) 0.040 and 0.050: (0.12 + 0.09 + 0.05 +
 * 0.045) / 6 = 0.0508333..., 0.051.
 */
static void
test_manual(void **state)
{
	struct conf_sensor s = tp(SAMPLING_MANUAL);
	struct both b;
	double m;

	(void)state;
	both_init(&b, &s);
	both_add(&b, bj(1, 15, 10), bj(1, 15, 10), 0.04, 'N');
	both_add(&b, bj(2, 15, 10), bj(2, 15, 10), 0.04, 'N');
	both_add(&b, bj(3, 15, 10), bj(3, 15, 10), 0.04, 'N');
	both_add(&b, bj(4, 15, 10), bj(4, 15, 10), 0.09, 'N');
	both_add(&b, bj(5, 1, 0), bj(5, 1, 0), 0.05, 'S');
	both_add(&b, bj(6, 1, 0), bj(6, 1, 0), 0.04, 'N');
	both_add(&b, bj(6, 2, 0), bj(6, 2, 0), 0.05, 'N');
	m = both_check(&b, bj(6, 2, 0));
	assert_true(fabs(m - 0.305 / 6) < 1e-12);
	assert_true(gb3838_round(m, 3) == 0.051);
	cumul_free(&b.cu);
}

/* A value between 0.02 and 0.09 that is no round number. */
static double
wobble(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return 0.02 + (double)(*seed >> 8 & 0xffff) / 0xffff * 0.07;
}

/* Local midnight of the day of TM. */
static time_t
first_of(const struct tm *tm)
{
	struct tm m = *tm;

	m.tm_hour = m.tm_min = m.tm_sec = 0;
	m.tm_isdst = -1;
	return mktime(&m);
}

/*
 * A year and a few days of readings, a result every 4 h of UTC (the
 * local hours move at the DST steps), measured half an hour to four and
 * a half hours before the poll (a reading after local midnight of the
 * 1st may be stamped in the month before; on the 1st each poll brings
 * one more of a minute before midnight), through the compact cumul and through
 * the whole year: equal means at every reading. March has 15 days
 * (invalid), August none, October's days lack results (3 a day: no
 * valid day); a flag M and an implausible value now and then; on
 * 15 September a reading of 10 February comes late (a load from the
 * log), on 31 October one stamped a day ahead (November's); on
 * 20 November the clock steps back to 28 October for a day; on
 * 1 July the configuration is reloaded (cumul_adopt).
 */
static void
year_of(const char *tz, enum sampling sampling)
{
	struct conf_sensor s = tp(sampling);
	struct cumul cu;
	struct both b;
	struct tm tm;
	time_t t, t0 = (time_t)days_civil(2025, 1, 1) * 86400 + 14 * 3600;
	time_t end = (time_t)days_civil(2026, 1, 6) * 86400;
	unsigned seed = 1;
	int n = 0, valid = 0, stepped = 0;
	char flag;
	double v, m;

	cumul_tz(tz);
	s.plausible_max = 0.085;
	both_init(&b, &s);
	for (t = t0; t < end; t += 4 * 3600) {
		assert_non_null(localtime_r(&t, &tm));
		v = wobble(&seed);
		flag = n % 37 == 5 ? 'M' : 'N';
		n++;
		if (sampling == SAMPLING_MANUAL && n % 11 != 0)
			continue;
		if ((tm.tm_mon == 2 && tm.tm_mday > 15) || tm.tm_mon == 7 ||
		    (tm.tm_mon == 9 && tm.tm_hour % 8 >= 4))
			continue;
		if (tm.tm_mon == 6 && tm.tm_mday == 1 && tm.tm_hour < 4) {
			cumul_adopt(&cu, &b.cu, &s, &s);
			cumul_free(&b.cu);
			b.cu = cu;
			assert_non_null(b.cu.y);
		}
		both_add(&b, t, t - 1800 - n % 9 * 1800, v, flag);
		if (tm.tm_mday == 1)	/* one more for the day before */
			both_add(&b, t, first_of(&tm) - 60, wobble(&seed),
			    'N');
		if (tm.tm_mon == 8 && tm.tm_mday == 15 && tm.tm_hour < 4)
			both_add(&b, t, t - 217 * 86400, 0.07, 'N');
		if (tm.tm_mon == 9 && tm.tm_mday == 31 && tm.tm_hour < 4)
			both_add(&b, t, t + 86400, 0.03, 'N');
		m = both_check(&b, t);
		valid += !isnan(m);
		if (tm.tm_mon == 10 && tm.tm_mday == 20 && !stepped) {
			stepped = 1;
			both_add(&b, t - 23 * 86400, t - 23 * 86400 - 1800,
			    v, 'N');
			both_check(&b, t - 23 * 86400);
		}
	}
	assert_true(stepped);
	assert_true(valid > (sampling == SAMPLING_MANUAL ? 150 : 1500));
	/* loaded a day (and a few late readings), not at every reading */
	print_message("%s: %d loads\n", tz, b.loads);
	assert_true(b.loads < 400 &&
	    b.loads > (sampling == SAMPLING_MANUAL ? 100 : 300));
	cumul_free(&b.cu);
}

static void
test_year_berlin(void **state)
{
	(void)state;
	year_of("Europe/Berlin", SAMPLING_CONTINUOUS);
	year_of("Europe/Berlin", SAMPLING_MANUAL);
}

static void
test_year_new_york(void **state)
{
	(void)state;
	year_of("America/New_York", SAMPLING_CONTINUOUS);
	year_of("Asia/Shanghai", SAMPLING_CONTINUOUS);
	cumul_tz("Asia/Shanghai");
}

/* A TP sensor holds a month of days, not a year's (8.8 kB). */
static void
test_small(void **state)
{
	(void)state;
	print_message("%zu bytes a TP sensor\n",
	    sizeof(*((struct cumul *)NULL)->y));
	assert_true(sizeof(*((struct cumul *)NULL)->y) <= 900);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_continuous),
		cmocka_unit_test(test_manual),
		cmocka_unit_test(test_year_berlin),
		cmocka_unit_test(test_year_new_york),
		cmocka_unit_test(test_small),
	};

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
