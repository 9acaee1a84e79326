/* test_gb3838.c: GB 3838-2002 classes, inclusive limits, report rounding */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/gb3838.h"
#include "reps.h"

/* Class of a TP value in mg/L judged at 3 decimals. */
static int
tp(enum water_body w, double v)
{
	return gb3838_class(PARAM_TP, w, v, 3);
}

/* DOMAIN.md 1.1: each limit is its own class, a step above is the next. */
static void
check_table(enum parameter p, enum water_body w, const double lim[5],
    int decimals)
{
	double step = pow(10, -decimals), got;
	int c;

	for (c = 1; c <= 5; c++) {
		assert_int_equal(gb3838_limit(p, w, c, &got), 0);
		assert_true(got == lim[c - 1]);
		assert_int_equal(gb3838_class(p, w, lim[c - 1], decimals), c);
		assert_int_equal(gb3838_class(p, w, lim[c - 1] + step,
		    decimals), c + 1);
	}
	assert_int_equal(gb3838_limit(p, w, 0, &got), -1);
	assert_int_equal(gb3838_limit(p, w, 6, &got), -1);
}

static void
test_tp_lake(void **state)
{
	static const double lim[5] = { 0.01, 0.025, 0.05, 0.1, 0.2 };

	(void)state;
	check_table(PARAM_TP, WATER_LAKE, lim, 3);
	assert_int_equal(tp(WATER_LAKE, 0), 1);
	assert_int_equal(tp(WATER_LAKE, 0.05), 3);
	assert_int_equal(tp(WATER_LAKE, 0.051), 4);
	assert_int_equal(tp(WATER_LAKE, 0.21), GB_CLASS_WORSE);
}

static void
test_tp_river(void **state)
{
	static const double lim[5] = { 0.02, 0.1, 0.2, 0.3, 0.4 };

	(void)state;
	check_table(PARAM_TP, WATER_RIVER, lim, 3);
	assert_int_equal(tp(WATER_RIVER, 0.2), 3);
	assert_int_equal(tp(WATER_RIVER, 0.201), 4);
	assert_int_equal(tp(WATER_RIVER, 0.41), GB_CLASS_WORSE);
}

static void
test_lake_and_river_differ(void **state)
{
	(void)state;
	/* the same reading, two tables (DOMAIN.md 1.1: keep them apart) */
	assert_int_equal(tp(WATER_LAKE, 0.15), 5);
	assert_int_equal(tp(WATER_RIVER, 0.15), 3);
	assert_int_equal(tp(WATER_LAKE, 0.08), 4);
	assert_int_equal(tp(WATER_RIVER, 0.08), 2);
}

static void
test_float32_limit(void **state)
{
	double f = (double)0.05f;	/* 0.0500000007450580596923828125 */

	(void)state;
	assert_true(f > 0.05);
	assert_int_equal(tp(WATER_LAKE, f), 3);
	assert_int_equal(gb3838_exceeds(PARAM_TP, WATER_LAKE, 3, f, 3), 0);
	assert_int_equal(tp(WATER_LAKE, (double)0.051f), 4);
	assert_int_equal(tp(WATER_RIVER, (double)0.2f), 3);
	assert_int_equal(tp(WATER_LAKE, (double)0.01f), 1);
}

static void
test_round(void **state)
{
	(void)state;
	/* half to even at the third decimal (GB/T 8170) */
	assert_true(gb3838_round(0.0505, 3) == 0.050);
	assert_true(gb3838_round(0.0515, 3) == 0.052);
	assert_true(gb3838_round(0.0525, 3) == 0.052);
	assert_true(gb3838_round(0.0535, 3) == 0.054);
	/* not half: ordinary rounding */
	assert_true(gb3838_round(0.05051, 3) == 0.051);
	assert_true(gb3838_round(0.05049, 3) == 0.050);
	assert_true(gb3838_round(0.0614, 3) == 0.061);
	/* float32 noise goes first: the 7 digits a float carries */
	assert_true(gb3838_round((double)0.0505f, 3) == 0.050);
	assert_true(gb3838_round((double)0.05f, 3) == 0.05);
	assert_true(gb3838_round(2.5, 0) == 2);
	assert_true(gb3838_round(3.5, 0) == 4);
	assert_true(isnan(gb3838_round(NAN, 3)));
	/* and so the class follows the rounded value */
	assert_int_equal(tp(WATER_LAKE, 0.0505), 3);
	assert_int_equal(tp(WATER_LAKE, 0.0515), 4);
	assert_int_equal(gb3838_class(PARAM_TP, WATER_LAKE, 0.0505, 4), 4);
}

static void
test_tn(void **state)
{
	static const double lim[5] = { 0.2, 0.5, 1.0, 1.5, 2.0 };
	double got;

	(void)state;
	check_table(PARAM_TN, WATER_LAKE, lim, 2);
	/* GB 3838 grades TN for lakes and reservoirs only */
	assert_int_equal(gb3838_class(PARAM_TN, WATER_RIVER, 0.1, 2), 0);
	assert_int_equal(gb3838_limit(PARAM_TN, WATER_RIVER, 3, &got), -1);
	assert_int_equal(gb3838_exceeds(PARAM_TN, WATER_RIVER, 3, 9, 2), 0);
}

static void
test_do(void **state)
{
	(void)state;
	assert_int_equal(gb3838_direction(PARAM_DO), -1);
	assert_int_equal(gb3838_class(PARAM_DO, WATER_LAKE, 7.5, 2), 1);
	assert_int_equal(gb3838_class(PARAM_DO, WATER_LAKE, 7.49, 2), 2);
	assert_int_equal(gb3838_class(PARAM_DO, WATER_LAKE, 6, 2), 2);
	assert_int_equal(gb3838_class(PARAM_DO, WATER_LAKE, 5, 2), 3);
	assert_int_equal(gb3838_class(PARAM_DO, WATER_LAKE, 4.99, 2), 4);
	assert_int_equal(gb3838_class(PARAM_DO, WATER_LAKE, 4, 2), 4);
	assert_int_equal(gb3838_class(PARAM_DO, WATER_RIVER, 2, 2), 5);
	assert_int_equal(gb3838_class(PARAM_DO, WATER_LAKE, 1.9, 2),
	    GB_CLASS_WORSE);
	assert_int_equal(gb3838_exceeds(PARAM_DO, WATER_LAKE, 3, 4.9, 2), 1);
	assert_int_equal(gb3838_exceeds(PARAM_DO, WATER_LAKE, 3, 9, 2), 0);
}

static void
test_ph(void **state)
{
	(void)state;
	assert_int_equal(gb3838_direction(PARAM_PH), 0);
	assert_int_equal(gb3838_class(PARAM_PH, WATER_LAKE, 6, 2), 1);
	assert_int_equal(gb3838_class(PARAM_PH, WATER_LAKE, 7.4, 2), 1);
	assert_int_equal(gb3838_class(PARAM_PH, WATER_RIVER, 9, 2), 1);
	assert_int_equal(gb3838_class(PARAM_PH, WATER_LAKE, 5.99, 2),
	    GB_CLASS_WORSE);
	assert_int_equal(gb3838_class(PARAM_PH, WATER_LAKE, 9.01, 2),
	    GB_CLASS_WORSE);
	assert_int_equal(gb3838_exceeds(PARAM_PH, WATER_LAKE, 3, 9.5, 2), 1);
	assert_int_equal(gb3838_exceeds(PARAM_PH, WATER_LAKE, 3, 8, 2), 0);
}

/* Physical bounds: concentrations >= 0, pH 0..14, liquid water. */
static void
test_plausible(void **state)
{
	double lo, hi;
	int p;

	(void)state;
	for (p = 0; p < PARAM_COUNT; p++) {
		assert_int_equal(gb3838_plausible(p, &lo, &hi), 0);
		assert_true(lo < hi);
		assert_true(p == PARAM_TEMP || lo == 0);
	}
	assert_int_equal(gb3838_plausible(PARAM_PH, &lo, &hi), 0);
	assert_true(lo == 0 && hi == 14);
	assert_int_equal(gb3838_plausible(PARAM_TEMP, &lo, &hi), 0);
	assert_true(lo == -5 && hi == 50);
	/* far above Class V: a high value is not invalid for being high */
	assert_int_equal(gb3838_plausible(PARAM_TP, &lo, &hi), 0);
	assert_true(hi >= 100 * 0.4);
	assert_int_equal(gb3838_plausible(PARAM_COUNT, &lo, &hi), -1);
}

static void
test_no_class(void **state)
{
	double got;

	(void)state;
	assert_int_equal(gb3838_class(PARAM_TEMP, WATER_LAKE, 25, 1), 0);
	assert_int_equal(gb3838_class(PARAM_TURBIDITY, WATER_LAKE, 900, 1),
	    0);
	assert_int_equal(gb3838_limit(PARAM_CHLA, WATER_LAKE, 3, &got), -1);
	assert_int_equal(gb3838_direction(PARAM_TEMP), 0);
	assert_int_equal(gb3838_class(PARAM_TP, WATER_LAKE, NAN, 3), 0);
	assert_int_equal(gb3838_class(PARAM_TP, WATER_LAKE, INFINITY, 3), 0);
	assert_int_equal(gb3838_exceeds(PARAM_TP, WATER_LAKE, 3, NAN, 3), 0);
	assert_int_equal(gb3838_exceeds(PARAM_COND, WATER_LAKE, 1, 5e3, 1),
	    0);
}

static void
test_exceeds(void **state)
{
	(void)state;
	assert_int_equal(gb3838_exceeds(PARAM_TP, WATER_LAKE, 3, 0.05, 3), 0);
	assert_int_equal(gb3838_exceeds(PARAM_TP, WATER_LAKE, 3, 0.051, 3), 1);
	assert_int_equal(gb3838_exceeds(PARAM_TP, WATER_LAKE, 3, 0.0505, 3),
	    0);
	assert_int_equal(gb3838_exceeds(PARAM_TP, WATER_LAKE, 2, 0.03, 3), 1);
	assert_int_equal(gb3838_exceeds(PARAM_TP, WATER_RIVER, 3, 0.061, 3),
	    0);
	assert_int_equal(gb3838_exceeds(PARAM_TP, WATER_LAKE, 5, 0.3, 3), 1);
	assert_int_equal(gb3838_exceeds(PARAM_NH3N, WATER_RIVER, 3, 1.0, 3),
	    0);
	assert_int_equal(gb3838_exceeds(PARAM_NH3N, WATER_RIVER, 3, 1.001, 3),
	    1);
	assert_int_equal(gb3838_exceeds(PARAM_CODMN, WATER_LAKE, 3, 6.04, 1),
	    0);
}

static void
test_names(void **state)
{
	static const char *const roman[] = { "I", "II", "III", "IV", "V" };
	int c, p;

	(void)state;
	for (c = 1; c <= 5; c++) {
		assert_string_equal(gb3838_class_name(c), roman[c - 1]);
		assert_int_equal(gb3838_class_parse(roman[c - 1]), c);
	}
	assert_string_equal(gb3838_class_name(GB_CLASS_WORSE), "worse than V");
	assert_string_equal(gb3838_class_name(0), "-");
	assert_string_equal(gb3838_class_name(7), "-");
	assert_string_equal(gb3838_class_name_zh(3), "Ⅲ类");
	assert_string_equal(gb3838_class_name_zh(GB_CLASS_WORSE), "劣Ⅴ类");
	assert_int_equal(gb3838_class_parse("iii"), 3);
	assert_int_equal(gb3838_class_parse("3"), 3);
	assert_int_equal(gb3838_class_parse("VI"), -1);
	assert_int_equal(gb3838_class_parse("6"), -1);
	assert_int_equal(gb3838_class_parse(""), -1);
	for (p = 0; p < PARAM_COUNT; p++)
		assert_int_equal(gb3838_param_parse(gb3838_param_name(p)), p);
	assert_string_equal(gb3838_param_name(PARAM_TP), "tp");
	assert_string_equal(gb3838_param_label(PARAM_TP), "TP");
	assert_string_equal(gb3838_param_label(PARAM_NH3N), "NH3-N");
	assert_int_equal(gb3838_param_parse("bod5"), -1);
	assert_int_equal(gb3838_water_parse("lake"), WATER_LAKE);
	assert_int_equal(gb3838_water_parse("reservoir"), WATER_LAKE);
	assert_int_equal(gb3838_water_parse("river"), WATER_RIVER);
	assert_int_equal(gb3838_water_parse("sea"), -1);
	assert_string_equal(gb3838_water_name(WATER_RIVER), "river");
	assert_string_equal(gb3838_water_name(WATER_LAKE), "lake");
	assert_int_equal(gb3838_decimals(PARAM_TP), 3);
}

/*
 * Issue 12.7: the 2020 statistics rule (地表水环境质量监测数据统计技术规定
 * （试行）, 环办监测函〔2020〕82号) rounds assessment data of NH3-N to 2
 * decimals and DO, CODMn to 1 (TP 3, TN 2). Read from public code that
 * encodes its table (sm1lewc/Journey.SurfaceWater
 * FactorAssessmentDecimalPlaces2020.cs, sm1lewc/SurfaceWater
 * StatisticalTechnicalRegulations.cs), not the primary text.
 */
static void
test_decimals_2020(void **state)
{
	(void)state;
	assert_int_equal(gb3838_decimals(PARAM_TP), 3);
	assert_int_equal(gb3838_decimals(PARAM_TN), 2);
	assert_int_equal(gb3838_decimals(PARAM_NH3N), 2);
	assert_int_equal(gb3838_decimals(PARAM_DO), 1);
	assert_int_equal(gb3838_decimals(PARAM_CODMN), 1);
	/* 0.504 NH3-N: 0.50 at 2 decimals is Class II (<= 0.5) */
	assert_int_equal(gb3838_class(PARAM_NH3N, WATER_LAKE, 0.504,
	    gb3838_decimals(PARAM_NH3N)), 2);
	/* at 3 decimals it was 0.504 > 0.5: Class III */
	assert_int_equal(gb3838_class(PARAM_NH3N, WATER_LAKE, 0.504, 3), 3);
	/* DO 4.96: 5.0 at 1 decimal is Class III (>= 5); 4.96 was IV */
	assert_int_equal(gb3838_class(PARAM_DO, WATER_LAKE, 4.96,
	    gb3838_decimals(PARAM_DO)), 3);
	assert_int_equal(gb3838_class(PARAM_DO, WATER_LAKE, 4.96, 2), 4);
}

/*
 * gb3838_round as it was (printf "%.7g", strtod): the fast one must give
 * the same double, bit for bit, for every value.
 */
static double
round_text(double v, int decimals)
{
	char buf[40];
	double scale, r, f, diff;

	if (!isfinite(v))
		return v;
	snprintf(buf, sizeof(buf), "%.7g", v);
	v = strtod(buf, NULL);
	scale = pow(10, decimals);
	r = v * scale;
	f = floor(r);
	diff = r - f;
	if (fabs(diff - 0.5) < 1e-7)
		r = fmod(f, 2) == 0 ? f : f + 1;
	else
		r = floor(r + 0.5);
	return r / scale;
}

static unsigned long	 round_checked;

static void
same_round(double v)
{
	double a, b;
	int d;

	for (d = -2; d <= 8; d++) {
		a = gb3838_round(v, d);
		b = round_text(v, d);
		round_checked++;
		if (memcmp(&a, &b, sizeof(a)) != 0 && !(isnan(a) && isnan(b)))
			fail_msg("gb3838_round(%.17g, %d) = %.17g, was %.17g",
			    v, d, a, b);
	}
}

/* V and its neighbours a few ulps away, both signs. */
static void
same_near(double v)
{
	double up = v, down = v;
	int i;

	same_round(v);
	same_round(-v);
	for (i = 0; i < 3; i++) {
		up = nextafter(up, INFINITY);
		down = nextafter(down, -INFINITY);
		same_round(up);
		same_round(down);
		same_round(-up);
		same_round(-down);
	}
}

static uint64_t
rnd64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
test_round_same_as_printf(void **state)
{
	static const double edge[] = { 0.0, 1e-300, 5e-324, 2.2250738585072014e-308,
	    1.7976931348623157e308, 1e-17, 1e-16, 1e-15, 9.9999995e-7,
	    0.05, 0.0505, 0.0515, 0.0525, 0.00049999995, 0.0049999995,
	    0.99999995, 9999999.5, 999999.95, 1234567.5, 123456.75,
	    12345675, 1e22, 1e23, 1e28, 1e29, 4503599627370496.0 };
	uint64_t s = 0x9e3779b97f4a7c15ULL, bits;
	double v;
	size_t i;
	int e, n, k;

	(void)state;
	same_round(NAN);
	same_round(INFINITY);
	same_round(-INFINITY);
	same_round(-0.0);
	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
		same_near(edge[i]);
	/* powers of ten, and halves between 7-digit values, at every scale */
	for (e = -30; e <= 30; e++) {
		same_near(pow(10, e));
		for (n = 0; n < reps(40); n++) {
			k = 1000000 + (int)(rnd64(&s) % 9000000);
			same_near((k + 0.5) * pow(10, e - 6));
			same_near(k * pow(10, e - 6));
		}
	}
	/* readings as instruments give them: a few decimals, float32 */
	for (i = 0; i < (size_t)reps(5000); i++) {
		k = (int)(rnd64(&s) % 10000000);
		n = (int)(rnd64(&s) % 10);
		v = k / pow(10, n);
		same_near(v);
		same_round((double)(float)v);
	}
	/* any double at all */
	for (i = 0; i < (size_t)reps(50000); i++) {
		bits = rnd64(&s);
		memcpy(&v, &bits, sizeof(v));
		same_round(v);
	}
	/* any double of the range readings are in */
	for (i = 0; i < (size_t)reps(50000); i++)
		same_round(ldexp((double)(rnd64(&s) >> 11) / 9007199254740992.0,
		    (int)(rnd64(&s) % 80) - 40));
	print_message("%lu values x decimals compared\n", round_checked);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tp_lake),
		cmocka_unit_test(test_tp_river),
		cmocka_unit_test(test_lake_and_river_differ),
		cmocka_unit_test(test_float32_limit),
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_round_same_as_printf),
		cmocka_unit_test(test_tn),
		cmocka_unit_test(test_do),
		cmocka_unit_test(test_ph),
		cmocka_unit_test(test_no_class),
		cmocka_unit_test(test_plausible),
		cmocka_unit_test(test_exceeds),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_decimals_2020),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
