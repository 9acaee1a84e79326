/*
 * test_cumul.c: the daemon's year-to-date mean (daemon/cumul.c) is the
 * report's (report_ytd, tool/report.c) for the same days: one copy of
 * the month rules (lib/monthrule.c). Worked by hand below.
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

/* Days 1..N of month M, 6 results a day at V (the daemon's path). */
static void
days(struct cumul *cu, int m, int n, double v)
{
	int d, h;

	for (d = 1; d <= n; d++)
		for (h = 0; h < 24; h += 4)
			cumul_add(cu, bj(m, d, h), v, 'N');
}

/* The report's year-to-date mean of CU's days through month THROUGH. */
static double
report_mean(const struct conf_sensor *s, const struct cumul *cu,
    int through)
{
	struct rp_sensor r;
	int i;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.year = 2025;
	r.rules = report_rules(s);
	for (i = 0; i < 12; i++)
		report_month(cu->y, i + 1, &r.rules, &r.m[i]);
	report_sensor_sum(&r, through);
	report_ytd(&r, through, through);
	return r.ytd.mean;
}

static struct cumul
year(const struct conf_sensor *s)
{
	struct cumul cu = { calloc(1, sizeof(struct rp_year)), 0 };

	assert_non_null(cu.y);
	cu.y->year = 2025;
	cu.y->sensor = s;
	return cu;
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
	struct cumul cu = year(&s);
	double m;

	(void)state;
	s.plausible_max = 1;
	days(&cu, 1, 31, 0.04);
	days(&cu, 2, 28, 0.04);
	days(&cu, 3, 20, 0.2);
	days(&cu, 4, 20, 0.085);
	days(&cu, 5, 31, 0.045);
	days(&cu, 6, 9, 0.045);
	cumul_add(&cu, bj(6, 3, 1), 0.9, 'M');
	cumul_add(&cu, bj(6, 3, 2), 5, 'N');
	cumul_add(&cu, bj(4, 25, 1), 0.9, 'N');
	cumul_add(&cu, bj(4, 25, 5), 0.9, 'N');
	cumul_add(&cu, bj(4, 25, 9), 0.9, 'N');
	m = cumul_mean(&s, &cu, bj(6, 10, 12));
	assert_true(m == report_mean(&s, &cu, 6));
	assert_true(fabs(m - 0.051) < 1e-12);
	assert_true(gb3838_round(m, 3) == 0.051);
	/* 1 January 2026, 01:00: another year, nothing of this one */
	assert_true(isnan(cumul_mean(&s, &cu, bj(12, 31, 25))));
	cumul_free(&cu);
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
	struct cumul cu = year(&s);
	double m;

	(void)state;
	cumul_add(&cu, bj(1, 15, 10), 0.04, 'N');
	cumul_add(&cu, bj(2, 15, 10), 0.04, 'N');
	cumul_add(&cu, bj(3, 15, 10), 0.04, 'N');
	cumul_add(&cu, bj(4, 15, 10), 0.09, 'N');
	cumul_add(&cu, bj(5, 1, 0), 0.05, 'S');
	cumul_add(&cu, bj(6, 1, 0), 0.04, 'N');
	cumul_add(&cu, bj(6, 2, 0), 0.05, 'N');
	m = cumul_mean(&s, &cu, bj(6, 10, 12));
	assert_true(m == report_mean(&s, &cu, 6));
	assert_true(fabs(m - 0.305 / 6) < 1e-12);
	assert_true(gb3838_round(m, 3) == 0.051);
	cumul_free(&cu);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_continuous),
		cmocka_unit_test(test_manual),
	};

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
