/* test_decode.c: word orders, integer types, status maps, decode_generic */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "../../drivers/driver.h"
#include "../../lib/conf.h"
#include "../../lib/sample.h"

static const enum word_order orders[] = { ORDER_ABCD, ORDER_CDAB,
    ORDER_BADC, ORDER_DCBA };

/*
 * Lay out the big-endian bytes A B C D of U in two registers, written
 * independently of decode.c: "abcd" = AB CD, "cdab" = CD AB,
 * "badc" = BA DC, "dcba" = DC BA.
 */
static void
encode(uint32_t u, enum word_order o, uint16_t r[2])
{
	uint8_t a = u >> 24, b = u >> 16, c = u >> 8, d = u;

	r[0] = r[1] = 0;
	switch (o) {
	case ORDER_ABCD:
		r[0] = a << 8 | b;
		r[1] = c << 8 | d;
		break;
	case ORDER_CDAB:
		r[0] = c << 8 | d;
		r[1] = a << 8 | b;
		break;
	case ORDER_BADC:
		r[0] = b << 8 | a;
		r[1] = d << 8 | c;
		break;
	case ORDER_DCBA:
		r[0] = d << 8 | c;
		r[1] = b << 8 | a;
		break;
	}
}

static uint32_t
float_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/* A generic float32 sensor at register 0, no status, no range. */
static struct conf_sensor
sensor(enum reg_type t, enum word_order o)
{
	static char name[] = "s";
	struct conf_sensor sc;

	memset(&sc, 0, sizeof(sc));
	sc.name = name;
	sc.reg = 0;
	sc.type = t;
	sc.order = o;
	sc.scale = 1;
	sc.offset = 0;
	sc.status_reg = -1;
	sc.status_map = STATUS_NONE;
	sc.range_min = sc.range_max = NAN;
	sc.plausible_min = sc.plausible_max = NAN;
	sc.time_reg = -1;
	return sc;
}

static void
test_domain_vectors(void **state)
{
	(void)state;
	/*
	 * DOMAIN.md 3.4 gives the values rounded to the digits shown
	 * (0x3D5D8520 is 0.054082036, 0x41033233 is 8.1997557), so they
	 * must agree to half a unit of the last digit.
	 */
	/* [0x85,0x20,0x3D,0x5D] CDAB -> 0.05408 */
	assert_true(fabs(decode_float32(0x8520, 0x3D5D, ORDER_CDAB) -
	    0.05408) <= 0.5e-5);
	/* [0x32,0x33,0x41,0x03] CDAB -> 8.1998 */
	assert_true(fabs(decode_float32(0x3233, 0x4103, ORDER_CDAB) -
	    8.1998) <= 0.5e-4);
	/* the same words read as ABCD are something else entirely */
	assert_false(fabs(decode_float32(0x8520, 0x3D5D, ORDER_ABCD) -
	    0.05408) < 1e-3);
}

static void
test_u32_orders(void **state)
{
	uint16_t r[2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		encode(0x11223344, orders[i], r);
		assert_int_equal(decode_u32(r[0], r[1], orders[i]),
		    0x11223344);
	}
	/* the four orders really differ */
	assert_int_equal(decode_u32(0x1122, 0x3344, ORDER_ABCD), 0x11223344);
	assert_int_equal(decode_u32(0x1122, 0x3344, ORDER_CDAB), 0x33441122);
	assert_int_equal(decode_u32(0x1122, 0x3344, ORDER_BADC), 0x22114433);
	assert_int_equal(decode_u32(0x1122, 0x3344, ORDER_DCBA), 0x44332211);
}

static void
test_float32_orders(void **state)
{
	static const float vals[] = { 8.1998f, 0.05408f, -273.15f, 1e-7f };
	uint16_t r[2];
	size_t i, j;

	(void)state;
	for (j = 0; j < sizeof(vals) / sizeof(vals[0]); j++)
		for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
			encode(float_bits(vals[j]), orders[i], r);
			assert_true(decode_float32(r[0], r[1], orders[i]) ==
			    vals[j]);
		}
}

static void
test_raw_types(void **state)
{
	/* -2 as r0 (first row) and r1 in abcd, cdab, badc, dcba */
	static const uint16_t neg2[2][4] = {
		{ 0xFFFF, 0xFFFE, 0xFFFF, 0xFEFF },
		{ 0xFFFE, 0xFFFF, 0xFEFF, 0xFFFF },
	};
	uint16_t regs[2];
	struct regblock b = { regs, 0, 2, NULL };
	double v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		regs[0] = neg2[0][i];
		regs[1] = neg2[1][i];
		assert_int_equal(decode_raw(&b, 0, TYPE_INT32, orders[i], &v),
		    0);
		assert_true(v == -2);
		assert_int_equal(decode_raw(&b, 0, TYPE_UINT32, orders[i],
		    &v), 0);
		assert_true(v == 4294967294.0);
	}
	regs[0] = 0xFFFB;
	assert_int_equal(decode_raw(&b, 0, TYPE_INT16, ORDER_ABCD, &v), 0);
	assert_true(v == -5);
	assert_int_equal(decode_raw(&b, 0, TYPE_UINT16, ORDER_ABCD, &v), 0);
	assert_true(v == 65531);
	/* 16-bit types ignore the word order and read one register */
	assert_int_equal(decode_raw(&b, 1, TYPE_INT16, ORDER_DCBA, &v), 0);
	assert_true(v == (int16_t)regs[1]);
}

static void
test_same_value_every_order(void **state)
{
	struct conf_sensor sc;
	struct reading rd;
	uint16_t regs[2];
	struct regblock b = { regs, 0, 2, NULL };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		sc = sensor(TYPE_FLOAT32, orders[i]);
		encode(float_bits(0.061f), orders[i], regs);
		assert_int_equal(decode_generic(&sc, &b, &rd), 0);
		assert_true(rd.value == (double)0.061f);
		assert_int_equal(rd.flag, FLAG_NORMAL);
	}
}

static void
test_nan_inf_fault(void **state)
{
	static const uint32_t bad[] = { 0x7FC00000, 0x7F800000, 0xFF800000,
	    0xFFFFFFFF };
	struct conf_sensor sc = sensor(TYPE_FLOAT32, ORDER_CDAB);
	struct reading rd;
	uint16_t regs[2];
	struct regblock b = { regs, 0, 2, NULL };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		encode(bad[i], ORDER_CDAB, regs);
		assert_int_equal(decode_generic(&sc, &b, &rd), 0);
		assert_false(isfinite(rd.value));
		assert_int_equal(rd.flag, FLAG_FAULT);
	}
}

static void
test_scale_offset(void **state)
{
	struct conf_sensor sc = sensor(TYPE_INT16, ORDER_ABCD);
	uint16_t regs[1] = { 0xFFFB };	/* -5 */
	struct regblock b = { regs, 0, 1, NULL };
	struct reading rd;

	(void)state;
	sc.scale = 0.01;
	sc.offset = 1;
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_true(rd.raw == -5);
	assert_true(fabs(rd.value - 0.95) < 1e-12);
	assert_int_equal(rd.flag, FLAG_NORMAL);
}

static void
test_range(void **state)
{
	struct conf_sensor sc = sensor(TYPE_UINT16, ORDER_ABCD);
	uint16_t regs[1];
	struct regblock b = { regs, 0, 1, NULL };
	struct reading rd;

	(void)state;
	sc.range_min = 10;
	sc.range_max = 50;
	regs[0] = 50;			/* at the limit: still normal */
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_NORMAL);
	regs[0] = 51;
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_RANGE);
	assert_true(rd.value == 51);	/* the value is kept for the log */
	regs[0] = 9;
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_FAULT);
}

/*
 * Issue #10: a TP read in the wrong word order came out as -9487.25 mg/L
 * with flag N. Outside the plausible range it is a fault (D), whatever
 * the instrument range says; a bad status word keeps its own flag.
 */
static void
test_plausible(void **state)
{
	struct conf_sensor sc = sensor(TYPE_FLOAT32, ORDER_ABCD);
	uint16_t regs[3];
	struct regblock b = { regs, 0, 3, NULL };
	struct reading rd;

	(void)state;
	sc.parameter = PARAM_TP;
	assert_int_equal(gb3838_plausible(PARAM_TP, &sc.plausible_min,
	    &sc.plausible_max), 0);
	encode(float_bits(-9487.25f), ORDER_ABCD, regs);
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_FAULT);
	assert_true(rd.value == -9487.25);	/* kept for the log */
	encode(float_bits(3.4e12f), ORDER_ABCD, regs);
	sc.range_max = 5;			/* not T: not a reading */
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_FAULT);
	encode(float_bits(0.0f), ORDER_ABCD, regs);	/* bounds inclusive */
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_NORMAL);
	encode(float_bits(-0.001f), ORDER_ABCD, regs);
	sc.status_reg = 2;
	sc.status_map = STATUS_I12101;
	regs[2] = 3;				/* maintenance stays M */
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_MAINT);
	regs[2] = 1;
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_FAULT);
	sc.plausible_min = -0.01;		/* configurable */
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_NORMAL);
}

static void
test_status_i12101(void **state)
{
	static const char want[] = { FLAG_NORMAL, FLAG_NORMAL, FLAG_NORMAL,
	    FLAG_MAINT, FLAG_FAULT, FLAG_CALIB, FLAG_CALIB };
	uint16_t st;

	(void)state;
	for (st = 0; st < sizeof(want); st++)
		assert_int_equal(decode_status(STATUS_I12101, st), want[st]);
	assert_int_equal(decode_status(STATUS_I12101, 7), FLAG_FAULT);
	assert_int_equal(decode_status(STATUS_I12101, 99), FLAG_FAULT);
	assert_int_equal(decode_status(STATUS_I12101, 0xFFFF), FLAG_FAULT);
	assert_int_equal(decode_status(STATUS_NONE, 4), FLAG_NORMAL);
	/* a vendor map with no driver's table at hand is never valid */
	assert_int_equal(decode_status(STATUS_VENDOR, 0), FLAG_FAULT);
}

static void
test_status_ascii(void **state)
{
	static const char same[] = "NMDTBF";
	size_t i;

	(void)state;
	for (i = 0; same[i] != '\0'; i++)
		assert_int_equal(decode_status(STATUS_ASCII, same[i]),
		    same[i]);
	assert_int_equal(decode_status(STATUS_ASCII, 'C'), FLAG_CALIB);
	assert_int_equal(decode_status(STATUS_ASCII, 'c'), FLAG_CALIB);
	assert_int_equal(decode_status(STATUS_ASCII, 'S'), FLAG_FAULT);
	assert_int_equal(decode_status(STATUS_ASCII, 'n'), FLAG_FAULT);
	assert_int_equal(decode_status(STATUS_ASCII, 0), FLAG_FAULT);
}

static void
test_status_in_generic(void **state)
{
	struct conf_sensor sc = sensor(TYPE_FLOAT32, ORDER_ABCD);
	uint16_t regs[3];
	struct regblock b = { regs, 0, 3, NULL };
	struct reading rd;

	(void)state;
	encode(float_bits(0.09f), ORDER_ABCD, regs);
	sc.status_reg = 2;
	sc.status_map = STATUS_I12101;
	regs[2] = 5;			/* calibration */
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.status, 5);
	assert_int_equal(rd.flag, FLAG_CALIB);
	/* a bad status wins over range: the value is not what is wrong */
	sc.range_max = 0.05;
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_CALIB);
	regs[2] = 1;
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_int_equal(rd.flag, FLAG_RANGE);
}

static void
test_block_chain(void **state)
{
	struct conf_sensor sc = sensor(TYPE_FLOAT32, ORDER_CDAB);
	uint16_t vregs[4] = { 0, 0, 0x8520, 0x3D5D }, sregs[1] = { 3 };
	struct regblock status = { sregs, 0x2000, 1, NULL };
	struct regblock value = { vregs, 0x1203, 4, &status };
	struct reading rd;

	(void)state;
	sc.reg = 0x1205;
	sc.status_reg = 0x2000;
	sc.status_map = STATUS_I12101;
	assert_int_equal(decode_generic(&sc, &value, &rd), 0);
	assert_true(fabs(rd.value - 0.05408) <= 0.5e-5);
	assert_int_equal(rd.status, 3);
	assert_int_equal(rd.flag, FLAG_MAINT);
	/* the status block alone does not cover the value */
	assert_int_equal(decode_generic(&sc, &status, &rd), -1);
	/* without the status block the status word is missing */
	value.next = NULL;
	assert_int_equal(decode_generic(&sc, &value, &rd), -1);
}

static void
test_outside_block(void **state)
{
	struct conf_sensor sc = sensor(TYPE_FLOAT32, ORDER_ABCD);
	uint16_t regs[2] = { 0x4103, 0x3233 }, r;
	struct regblock b = { regs, 10, 2, NULL };
	struct reading rd;
	double v;

	(void)state;
	sc.reg = 9;			/* below the block */
	assert_int_equal(decode_generic(&sc, &b, &rd), -1);
	sc.reg = 11;			/* second word past the end */
	assert_int_equal(decode_generic(&sc, &b, &rd), -1);
	sc.reg = 12;
	assert_int_equal(decode_generic(&sc, &b, &rd), -1);
	sc.reg = 10;
	assert_int_equal(decode_generic(&sc, &b, &rd), 0);
	assert_true(fabs(rd.value - 8.1998) <= 0.5e-4);
	assert_int_equal(decode_reg(&b, 12, &r), -1);
	assert_int_equal(decode_reg(&b, 11, &r), 0);
	assert_int_equal(r, 0x3233);
	assert_int_equal(decode_raw(&b, 11, TYPE_UINT32, ORDER_ABCD, &v), -1);
	assert_int_equal(decode_raw(&b, 11, TYPE_UINT16, ORDER_ABCD, &v), 0);
}

/* ---- issue 12.6: each driver's status register and code table ---- */

/*
 * SC with the named driver's defaults, as conf.c applies them (sensor
 * keys not set in the file), for PARAM.
 */
static struct conf_sensor
drv_sensor(const char *name, enum parameter param)
{
	struct conf_sensor sc = sensor(TYPE_FLOAT32, ORDER_ABCD);
	const struct driver *d = driver_find(name);

	assert_non_null(d);
	sc.parameter = param;
	sc.reg = -1;
	d->defaults(&sc);
	sc.driver = d;
	return sc;
}

/*
 * The flag the driver gives a value of 0.04 with status word ST, read
 * in two blocks as a split poll brings them: the value's registers and
 * the one status register.
 */
static char
drv_flag(const struct conf_sensor *sc, uint16_t st)
{
	uint16_t vregs[2], sregs[1] = { st };
	struct regblock status = { sregs, (uint16_t)sc->status_reg, 1,
	    NULL };
	struct regblock value = { vregs, (uint16_t)sc->reg, 2, &status };
	struct reading rd;

	encode(float_bits(0.04f), sc->order, vregs);
	if (sc->driver->decode(sc, &value, &rd) == -1)
		return '?';		/* the status register was not read */
	assert_int_equal(rd.status, st);
	return rd.flag;
}

/* One vendor code and the flag its results must get. */
struct want {
	uint16_t	code;
	char		flag;
};

static void
check_table(const char *name, enum parameter param, int status_reg,
    const struct want *w, size_t n)
{
	struct conf_sensor sc = drv_sensor(name, param);
	unsigned st;
	size_t i;
	char f;

	assert_int_equal(sc.status_reg, status_reg);
	for (i = 0; i < n; i++) {
		f = drv_flag(&sc, w[i].code);
		if (f != w[i].flag)
			fail_msg("%s: code %u gives %c, want %c", name,
			    w[i].code, f, w[i].flag);
	}
	/*
	 * No code at all gives S (a manual value, which reports count)
	 * or an unknown letter.
	 */
	for (st = 0; st <= 0xFFFF; st++) {
		f = drv_flag(&sc, (uint16_t)st);
		if (f == 'S' || f == '\0' || strchr("NCMDTBF", f) == NULL)
			fail_msg("%s: code %u gives '%c'", name, st, f);
	}
}

/*
 * hj-surface: Yimning/Daily-Code rtuacq_protocol_zonglin_GJSurfaceWater.c
 * reads 0x1080 x 17 and takes the working state from the 4th register
 * (0x1083): 0 idle, 1 measuring, 2 standard check (i12101 6),
 * 9 calibration (i12101 5), 10 cleaning (i12101 2), else "other" (99).
 */
static void
test_status_hj_surface(void **state)
{
	static const struct want w[] = {
		{ 0, 'N' }, { 1, 'N' }, { 2, 'C' }, { 9, 'C' }, { 10, 'N' },
		{ 3, 'D' }, { 4, 'D' }, { 5, 'D' }, { 6, 'D' }, { 99, 'D' },
	};

	(void)state;
	check_table("hj-surface", PARAM_TP, 0x1083, w,
	    sizeof(w) / sizeof(w[0]));
}

/*
 * yuxing-tp: rtuacq_protocol_zonglin_YuXing_HeBei.c, status 0x1083:
 * 0 idle, 1 measuring, 2 standard check, 3-7 other, 8/9 calibration,
 * 10 cleaning, 11 other, 12-18 maintenance, 19-22 calibration, 23 fault.
 */
static void
test_status_yuxing(void **state)
{
	static const struct want w[] = {
		{ 0, 'N' }, { 1, 'N' }, { 2, 'C' }, { 3, 'D' }, { 7, 'D' },
		{ 8, 'C' }, { 9, 'C' }, { 10, 'N' }, { 11, 'D' },
		{ 12, 'M' }, { 18, 'M' }, { 19, 'C' }, { 20, 'C' },
		{ 21, 'C' }, { 22, 'C' }, { 23, 'D' }, { 24, 'D' },
	};

	(void)state;
	check_table("yuxing-tp", PARAM_TP, 0x1083, w,
	    sizeof(w) / sizeof(w[0]));
}

/*
 * hach-amtax: rtuacq_protocol_zonglin_USAhaxi_Amtax_Compact_II.c reads
 * 0x0004 x 0x51 and takes the state at byte 99 of the reply, register
 * 0x0034: 0 idle, 1 other, 2 calibration, 3 cleaning, 4 other,
 * 7 maintenance, 8 fault.
 */
static void
test_status_hach_amtax(void **state)
{
	static const struct want w[] = {
		{ 0, 'N' }, { 1, 'D' }, { 2, 'C' }, { 3, 'N' }, { 4, 'D' },
		{ 5, 'D' }, { 7, 'M' }, { 8, 'D' },
	};

	(void)state;
	check_table("hach-amtax", PARAM_TP, 0x0034, w,
	    sizeof(w) / sizeof(w[0]));
}

/*
 * hach-npw160: rtuacq_protocol_others_TPTN_USAHaXi_NPW160.c reads
 * 0x0046 x 6 and tests bits of the 2nd register (0x0047), in this
 * order: 0 idle; bit 0 calibration; bit 2 normal; bit 3 maintenance;
 * bit 1 fault; anything else "other".
 */
static void
test_status_hach_npw160(void **state)
{
	static const struct want w[] = {
		{ 0x00, 'N' }, { 0x01, 'C' }, { 0x04, 'N' }, { 0x08, 'M' },
		{ 0x02, 'D' }, { 0x05, 'C' }, { 0x0C, 'N' }, { 0x0A, 'M' },
		{ 0x06, 'N' }, { 0x10, 'D' }, { 0x8000, 'D' },
	};

	(void)state;
	check_table("hach-npw160", PARAM_TP, 0x0047, w,
	    sizeof(w) / sizeof(w[0]));
	check_table("hach-npw160", PARAM_TN, 0x0047, w,
	    sizeof(w) / sizeof(w[0]));
}

/*
 * thermo-tptn: rtuacq_protocol_TPTN_Thermo.c, one int16 at 0x0041 (TP)
 * and 0x0042 (TN): 0 idle, 1 measuring, 3 calibration, 6 and 8
 * cleaning, 10 fault, 2/4/5/7/9 and the rest "other".
 */
static void
test_status_thermo(void **state)
{
	static const struct want w[] = {
		{ 0, 'N' }, { 1, 'N' }, { 2, 'D' }, { 3, 'C' }, { 4, 'D' },
		{ 5, 'D' }, { 6, 'N' }, { 7, 'D' }, { 8, 'N' }, { 9, 'D' },
		{ 10, 'D' }, { 11, 'D' },
	};

	(void)state;
	check_table("thermo-tptn", PARAM_TP, 0x0041, w,
	    sizeof(w) / sizeof(w[0]));
	check_table("thermo-tptn", PARAM_TN, 0x0042, w,
	    sizeof(w) / sizeof(w[0]));
}

/*
 * insitu: neilh10/InsituModbus InsituModbus.h: parameter blocks at 37,
 * 45, 53 (8 apart), the data-quality id at block + 4; 0 is good.
 */
static void
test_status_insitu(void **state)
{
	static const struct want w[] = {
		{ 0, 'N' }, { 1, 'D' }, { 0xFFFF, 'D' },
	};
	struct conf_sensor sc;

	(void)state;
	check_table("insitu", PARAM_TEMP, 37 + 4, w,
	    sizeof(w) / sizeof(w[0]));
	sc = drv_sensor("insitu", PARAM_TEMP);
	sc.reg = 45;			/* as a [sensor] key sets it */
	sc.driver->defaults(&sc);
	assert_int_equal(sc.reg, 45);
	assert_int_equal(sc.status_reg, 45 + 4);
	assert_int_equal(drv_flag(&sc, 0), 'N');
	assert_int_equal(drv_flag(&sc, 2), 'D');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_vectors),
		cmocka_unit_test(test_u32_orders),
		cmocka_unit_test(test_float32_orders),
		cmocka_unit_test(test_raw_types),
		cmocka_unit_test(test_same_value_every_order),
		cmocka_unit_test(test_nan_inf_fault),
		cmocka_unit_test(test_scale_offset),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_plausible),
		cmocka_unit_test(test_status_i12101),
		cmocka_unit_test(test_status_ascii),
		cmocka_unit_test(test_status_in_generic),
		cmocka_unit_test(test_block_chain),
		cmocka_unit_test(test_outside_block),
		cmocka_unit_test(test_status_hj_surface),
		cmocka_unit_test(test_status_yuxing),
		cmocka_unit_test(test_status_hach_amtax),
		cmocka_unit_test(test_status_hach_npw160),
		cmocka_unit_test(test_status_thermo),
		cmocka_unit_test(test_status_insitu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
