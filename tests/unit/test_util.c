/* test_util.c: following the wall clock tells a step from a slew */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "../../lib/util.h"

/* A == B within a microsecond */
#define near(a, b)	(fabs((a) - (b)) < 1e-6)

#define WALL	1795680000.0	/* 2026-11-26T08:00:00Z */

static void
test_wallclock(void **state)
{
	struct wallclock w = { 0, 0 };

	(void)state;
	/* the first look only learns the offset */
	assert_true(wallclock_follow(&w, 100, WALL) == 0);
	assert_true(near(w.off, WALL - 100));
	/* a slew of 0.5 ms/s over an hour: followed, not a step */
	assert_true(wallclock_follow(&w, 3700, WALL + 3600 + 1.8) == 0);
	assert_true(near(w.off, WALL - 100 + 1.8));
	/* 2 s a second later: a step, either way */
	assert_true(near(wallclock_follow(&w, 3701, WALL + 3601 + 1.8 - 120),
	    -120));
	assert_true(near(wallclock_follow(&w, 3702, WALL + 3602 + 1.8), 120));
	assert_true(wallclock_follow(&w, 3703, WALL + 3603 + 2.3) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wallclock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
