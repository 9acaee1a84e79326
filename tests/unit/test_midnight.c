/*
 * test_midnight: core_midnight remembers the local day last asked for
 * (issue 15: mktime per sample and per sensor of status.json was a tenth
 * of the core thread); it must give what mktime gives, across DST steps
 * at 02:00 and at midnight itself, forwards, backwards and at random.
 * cumul_date, which remembers the local date the same way for the
 * cumulative rule, likewise against localtime_r.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <time.h>

#include "../../daemon/core.h"
#include "../../daemon/cumul.h"
#include "reps.h"

static time_t
ref(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static void
sweep(const char *tz, time_t from, time_t to)
{
	time_t t;
	int i;

	setenv("TZ", tz, 1);
	tzset();
	for (t = from; t < to; t += 599)
		assert_int_equal(core_midnight(t), ref(t));
	for (t = to; t > from; t -= 613)
		assert_int_equal(core_midnight(t), ref(t));
	srandom(15);
	for (i = 0; i < reps(20000); i++) {
		t = from + random() % (to - from);
		assert_int_equal(core_midnight(t), ref(t));
		assert_int_equal(core_midnight(t + 1), ref(t + 1));
	}
}

static void
date_is(time_t t)
{
	struct tm want, got;

	assert_non_null(localtime_r(&t, &want));
	assert_non_null(cumul_date(t, &got));
	if (want.tm_year != got.tm_year || want.tm_mon != got.tm_mon ||
	    want.tm_mday != got.tm_mday || want.tm_yday != got.tm_yday)
		fail_msg("%lld: localtime_r %d-%02d-%02d, cumul_date "
		    "%d-%02d-%02d", (long long)t, want.tm_year + 1900,
		    want.tm_mon + 1, want.tm_mday, got.tm_year + 1900,
		    got.tm_mon + 1, got.tm_mday);
}

static void
date_sweep(const char *tz, time_t from, time_t to)
{
	time_t t;
	int i;

	cumul_tz(tz);
	for (t = from; t < to; t += 599)
		date_is(t);
	for (t = to; t > from; t -= 613)
		date_is(t);
	srandom(16);
	for (i = 0; i < reps(20000); i++) {
		t = from + random() % (to - from);
		date_is(t);
		date_is(t + 1);
		date_is(t - 3600);
	}
}

/* the zones of the tests below, and a zone change in between */
static void
test_cumul_date(void **state)
{
	(void)state;
	date_sweep("CET-1CEST,M3.5.0,M10.5.0/3", 1773964800, 1793836800);
	date_sweep("<-04>4<-03>,M9.1.6/24,M4.1.6/24", 1798761600, 1830297600);
	date_sweep("Asia/Shanghai", 1798761600, 1830297600);
	date_sweep("UTC0", 1798761600, 1830297600);
	date_sweep("<-04>4<-03>,M9.1.6/24,M4.1.6/24", 1798761600, 1830297600);
}

static void
test_cet(void **state)
{
	(void)state;
	/* 2026-03-20 .. 2026-11-05: both steps, at 02:00 and 03:00 */
	sweep("CET-1CEST,M3.5.0,M10.5.0/3", 1773964800, 1793836800);
}

static void
test_step_at_midnight(void **state)
{
	(void)state;
	/* a Santiago-like zone stepping at 24:00: a day without 00:00 */
	sweep("<-04>4<-03>,M9.1.6/24,M4.1.6/24", 1798761600, 1830297600);
}

static void
test_utc(void **state)
{
	(void)state;
	sweep("UTC0", 1830297600, 1833000000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cet),
		cmocka_unit_test(test_step_at_midnight),
		cmocka_unit_test(test_utc),
		cmocka_unit_test(test_cumul_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
