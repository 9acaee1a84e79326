/* test_log.c: the journal field a log message is about (lib/log.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../lib/log.h"

static void
field_of(const char *msg, int want, const char *field)
{
	char buf[64] = "untouched";

	assert_int_equal(log_field(msg, buf, sizeof(buf)), want);
	assert_string_equal(buf, field);
}

static void
test_kinds(void **state)
{
	(void)state;
	field_of("sensor 'centre-tp': read timeout", 1, "SENSOR=centre-tp");
	field_of("bus 'station': down: /dev/ttyUSB0", 1, "BUS=station");
	field_of("webhook 'ding': HTTP 400", 1, "WEBHOOK=ding");
	field_of("uplink 'hj212': connected", 1, "UPLINK=hj212");
	field_of("sensor '长荡湖-tp': 超标", 1, "SENSOR=长荡湖-tp");
}

static void
test_none(void **state)
{
	(void)state;
	field_of("reloaded lw.conf: 1 buses", 0, "untouched");
	field_of("a sensor 'x' in the middle", 0, "untouched");
	field_of("sensor 'unterminated", 0, "untouched");
	field_of("sensor '': empty", 0, "untouched");
	field_of("sensors 'x'", 0, "untouched");
	field_of("", 0, "untouched");
}

static void
test_truncated(void **state)
{
	char buf[10];

	(void)state;
	assert_int_equal(log_field("sensor 'a-very-long-name': x", buf,
	    sizeof(buf)), 1);
	assert_string_equal(buf, "SENSOR=a-");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
