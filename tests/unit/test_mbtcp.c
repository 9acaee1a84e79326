/*
 * test_mbtcp.c: Modbus TCP framing of our reads. The MBAP length says
 * when a frame is complete (never waiting for bytes that are not
 * coming); a reply is taken only if it answers the request in flight:
 * transaction, protocol, unit, function and length. A reply to another
 * transaction is told apart (dropped by the bus, never taken), so a
 * repeated or late reply cannot shift one unit's values onto another.
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

/* transaction 0x1234, unit 1, fc 3, 3 registers */
static const uint8_t good[] = { 0x12, 0x34, 0, 0, 0, 9, 1, 3, 6,
	0x3c, 0xf5, 0xc2, 0x8f, 0x00, 0x01 };

static void
req(uint8_t adu[MBTCP_REQ_LEN], uint16_t tid, int unit, int fc, int count)
{
	mbtcp_request(adu, tid, unit, fc, 0x0100, count);
}

static void
test_request(void **state)
{
	static const uint8_t want[] = { 0x12, 0x34, 0, 0, 0, 6, 7, 4,
		0x01, 0x00, 0, 3 };
	uint8_t adu[MBTCP_REQ_LEN];

	(void)state;
	req(adu, 0x1234, 7, 4, 3);
	assert_memory_equal(adu, want, sizeof(want));
}

static void
test_frame_len(void **state)
{
	uint8_t b[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good); i++)	/* every prefix: wait */
		assert_int_equal(mbtcp_frame_len(good, i), 0);
	assert_int_equal(mbtcp_frame_len(good, sizeof(good)), 15);
	memcpy(b, good, sizeof(good));
	b[15] = 0xee;				/* the next frame's first byte */
	assert_int_equal(mbtcp_frame_len(b, 16), 15);
	b[5] = 3;				/* an exception: 9 bytes */
	assert_int_equal(mbtcp_frame_len(b, 8), 0);
	assert_int_equal(mbtcp_frame_len(b, 9), 9);
	b[3] = 1;				/* not Modbus: lost framing */
	assert_int_equal(mbtcp_frame_len(b, 9), -1);
	b[3] = 0;
	b[5] = 1;				/* shorter than unit+function */
	assert_int_equal(mbtcp_frame_len(b, 9), -1);
	b[4] = 1;				/* 6 + 257: longer than an ADU */
	b[5] = 1;
	assert_int_equal(mbtcp_frame_len(b, sizeof(b)), -1);
	b[4] = 0;
	b[5] = 254;				/* 260: the longest there is */
	assert_int_equal(mbtcp_frame_len(b, 259), 0);
	assert_int_equal(mbtcp_frame_len(b, 260), 260);
}

static void
test_good(void **state)
{
	uint8_t adu[MBTCP_REQ_LEN];
	uint16_t r[3] = { 0 };

	(void)state;
	req(adu, 0x1234, 1, 3, 3);
	assert_int_equal(mbtcp_reply(adu, good, sizeof(good), r), 0);
	assert_int_equal(r[0], 0x3cf5);
	assert_int_equal(r[1], 0xc28f);
	assert_int_equal(r[2], 0x0001);
}

static int
refused(const uint8_t *b, int len, uint16_t tid, int unit, int fc,
    int count)
{
	uint8_t adu[MBTCP_REQ_LEN];
	uint16_t r[128];

	req(adu, tid, unit, fc, count);
	errno = 0;
	assert_int_equal(mbtcp_reply(adu, b, len, r), -1);
	return errno;
}

/* The reply to another transaction is told apart, whatever it holds. */
static void
test_other_transaction(void **state)
{
	uint8_t adu[MBTCP_REQ_LEN];
	uint16_t r[3] = { 0xdead, 0xdead, 0xdead };

	(void)state;
	req(adu, 0x1235, 1, 3, 3);		/* the next request */
	assert_int_equal(mbtcp_reply(adu, good, sizeof(good), r),
	    MBTCP_OTHER);
	req(adu, 0x0034, 1, 3, 3);		/* high byte differs */
	assert_int_equal(mbtcp_reply(adu, good, sizeof(good), r),
	    MBTCP_OTHER);
	assert_int_equal(r[0], 0xdead);		/* nothing delivered */
}

static void
test_refused(void **state)
{
	uint8_t b[sizeof(good)];

	(void)state;
	/* our transaction, but unit 7 asked: never unit 1's value */
	assert_int_equal(refused(good, sizeof(good), 0x1234, 7, 3, 3),
	    EMBBADDATA);
	/* the other function, another count, a short frame */
	assert_int_equal(refused(good, sizeof(good), 0x1234, 1, 4, 3),
	    EMBBADDATA);
	assert_int_equal(refused(good, sizeof(good), 0x1234, 1, 3, 2),
	    EMBBADDATA);
	assert_int_equal(refused(good, sizeof(good) - 2, 0x1234, 1, 3, 3),
	    EMBBADDATA);
	assert_int_equal(refused(good, 7, 0x1234, 1, 3, 3), EMBBADDATA);
	memcpy(b, good, sizeof(b));
	b[8] = 4;		/* byte count short of the frame */
	assert_int_equal(refused(b, sizeof(b), 0x1234, 1, 3, 3),
	    EMBBADDATA);
}

static void
test_exceptions(void **state)
{
	uint8_t b[] = { 0, 9, 0, 0, 0, 3, 1, 0x83, 2 };

	(void)state;
	assert_int_equal(refused(b, sizeof(b), 9, 1, 3, 3), EMBXILADD);
	b[8] = 4;
	assert_int_equal(refused(b, sizeof(b), 9, 1, 3, 3), EMBXSFAIL);
	b[8] = 0x0b;
	assert_int_equal(refused(b, sizeof(b), 9, 1, 3, 3), EMBXGTAR);
	b[8] = 0;		/* no such exception */
	assert_int_equal(refused(b, sizeof(b), 9, 1, 3, 3), EMBBADEXC);
	b[8] = 0x42;
	assert_int_equal(refused(b, sizeof(b), 9, 1, 3, 3), EMBBADEXC);
	b[8] = 2;
	b[7] = 0x84;		/* an exception to the other function */
	assert_int_equal(refused(b, sizeof(b), 9, 1, 3, 3), EMBBADDATA);
	b[7] = 0x83;		/* another unit's exception */
	assert_int_equal(refused(b, sizeof(b), 9, 2, 3, 3), EMBBADDATA);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_frame_len),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_other_transaction),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_exceptions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
