/*
 * test_statusfile: how often status.json may be rewritten (issue 15: at
 * 600 sensors, every second was 60 % of the core thread's CPU) and when
 * `lakewatch status` calls it stale.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../../lib/statusfile.h"

static int
every(size_t nsensor)
{
	struct conf c;

	memset(&c, 0, sizeof(c));
	c.nsensor = nsensor;
	return status_every(&c);
}

static void
test_every(void **state)
{
	(void)state;
	assert_int_equal(every(0), 1);
	assert_int_equal(every(20), 1);		/* a station: each poll */
	assert_int_equal(every(99), 1);
	assert_int_equal(every(100), 2);
	assert_int_equal(every(600), 7);	/* the N=200 farm */
	assert_int_equal(every(3000), 30);	/* never past the heartbeat */
	assert_int_equal(every(100000), STATUS_HEARTBEAT);
}

static void
test_stale_after(void **state)
{
	struct conf c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.nsensor = 600;
	/* a heartbeat and a rewrite late, and some slack */
	assert_true(status_stale_after(&c) > STATUS_HEARTBEAT + every(600));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every),
		cmocka_unit_test(test_stale_after),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
