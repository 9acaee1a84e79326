/*
 * test_mbtcp.c: replies to reads the daemon sends raw. The length says
 * when a reply is complete (never leaving libmodbus or us to wait for
 * bytes that are not coming); the check refuses what libmodbus refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <modbus.h>
#include <string.h>

#include "../../daemon/mbtcp.h"

/* tid 0, protocol 0, length, unit 1, fc 3, 3 registers */
static const uint8_t good[] = { 0, 0, 0, 0, 0, 9, 1, 3, 6,
	0x3c, 0xf5, 0xc2, 0x8f, 0x00, 0x01 };

static void
test_len(void **state)
{
	uint8_t b[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good); i++)	/* every prefix: wait */
		assert_int_equal(mbtcp_reply_len(good, i), 0);
	assert_int_equal(mbtcp_reply_len(good, sizeof(good)), 15);
	memcpy(b, good, sizeof(good));
	b[15] = 0xee;				/* the next reply's first byte */
	assert_int_equal(mbtcp_reply_len(b, 16), 15);
	b[7] = 0x83;				/* exception: 9 bytes */
	assert_int_equal(mbtcp_reply_len(b, 8), 0);
	assert_int_equal(mbtcp_reply_len(b, 9), 9);
	b[7] = 0x04;
	assert_int_equal(mbtcp_reply_len(b, 15), 15);
	b[7] = 0x06;				/* not a read: never complete */
	assert_int_equal(mbtcp_reply_len(b, 15), -1);
	memset(b, 0, sizeof(b));
	b[7] = 3;
	b[8] = 255;				/* longer than an ADU */
	assert_int_equal(mbtcp_reply_len(b, sizeof(b)), -1);
	b[8] = 250;
	assert_int_equal(mbtcp_reply_len(b, 258), 0);
	assert_int_equal(mbtcp_reply_len(b, 259), 259);
}

static void
test_good(void **state)
{
	uint16_t r[3] = { 0 };

	(void)state;
	assert_int_equal(mbtcp_reply(good, sizeof(good), 3, 3, r), 0);
	assert_int_equal(r[0], 0x3cf5);
	assert_int_equal(r[1], 0xc28f);
	assert_int_equal(r[2], 0x0001);
}

static int
refused(const uint8_t *b, int len, int fc, int count)
{
	uint16_t r[128];

	errno = 0;
	assert_int_equal(mbtcp_reply(b, len, fc, count, r), -1);
	return errno;
}

static void
test_refused(void **state)
{
	uint8_t b[sizeof(good)];

	(void)state;
	memcpy(b, good, sizeof(b));
	b[1] = 7;		/* another request's transaction */
	assert_int_equal(refused(b, sizeof(b), 3, 3), EMBBADDATA);
	memcpy(b, good, sizeof(b));
	b[3] = 1;		/* not Modbus */
	assert_int_equal(refused(b, sizeof(b), 3, 3), EMBBADDATA);
	/* the other function, another count, a short frame */
	assert_int_equal(refused(good, sizeof(good), 4, 3), EMBBADDATA);
	assert_int_equal(refused(good, sizeof(good), 3, 2), EMBBADDATA);
	assert_int_equal(refused(good, sizeof(good) - 2, 3, 3), EMBBADDATA);
	assert_int_equal(refused(good, 8, 3, 3), EMBBADDATA);
}

static void
test_exceptions(void **state)
{
	uint8_t b[] = { 0, 0, 0, 0, 0, 3, 1, 0x83, 2 };

	(void)state;
	assert_int_equal(refused(b, sizeof(b), 3, 3), EMBXILADD);
	b[8] = 4;
	assert_int_equal(refused(b, sizeof(b), 3, 3), EMBXSFAIL);
	b[8] = 0x0b;
	assert_int_equal(refused(b, sizeof(b), 3, 3), EMBXGTAR);
	b[8] = 0;		/* no such exception */
	assert_int_equal(refused(b, sizeof(b), 3, 3), EMBBADEXC);
	b[8] = 0x42;
	assert_int_equal(refused(b, sizeof(b), 3, 3), EMBBADEXC);
	b[8] = 2;
	b[7] = 0x84;		/* an exception to the other function */
	assert_int_equal(refused(b, sizeof(b), 3, 3), EMBBADDATA);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_len),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_exceptions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
