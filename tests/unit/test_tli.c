/*
 * test_tli.c: the trophic state index TLI(Σ) of lib/tli.c against worked
 * examples computed by hand from 中国环境监测总站, 湖泊（水库）富营养化
 * 评价方法及分级技术规定 (2001): "TLI(Σ) = Σ Wj·TLI(j)", "Wj = rij² /
 * Σ rij²", rij² chla 1, TP 0.7056, TN 0.6724, SD 0.6889, CODMn 0.6889;
 * "TLI(chl)=10(2.5+1.086lnchl) TLI(TP)=10(9.436+1.624lnTP)
 * TLI(TN)=10(5.453+1.694lnTN) TLI(SD)=10(5.118-1.94lnSD)
 * TLI(CODMn)=10(0.109+2.661lnCOD)", "叶绿素a chl单位为mg/m3，透明度SD
 * 单位为m；其它指标单位均为mg/L"; "TLI(∑)<30 贫营养, 30≤TLI(∑)≤50 中营养,
 * 50<TLI(∑)≤60 轻度富营养, 60<TLI(∑)≤70 中度富营养, TLI(∑)>70 重度富营养".
 * The text has no worked example of its own. Then the site's TLI of
 * tool/report_tli.c (units, missing parameters, no chl-a, rivers).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "../../lib/tli.h"
#include "../../tool/report.c"
#include "../../tool/report_out.c"
#include "../../tool/report_tli.c"

/*
 * One index each, by hand:
 * chl-a 10 mg/m3: ln 10 = 2.302585; 1.086 x 2.302585 = 2.500607;
 *	10 (2.5 + 2.500607) = 50.0061
 * TP 0.05 mg/L: ln 0.05 = -2.995732; 1.624 x -2.995732 = -4.865069;
 *	10 (9.436 - 4.865069) = 45.7093
 * TN 1.0: ln 1 = 0: 10 x 5.453 = 54.53
 * SD 1.0 m: 10 x 5.118 = 51.18
 * CODMn 4.0: ln 4 = 1.386294; 2.661 x 1.386294 = 3.688929;
 *	10 (0.109 + 3.688929) = 37.9793
 */
static void
test_index(void **state)
{
	(void)state;
	assert_float_equal(tli_index(TLI_CHLA, 10), 50.0061, 1e-4);
	assert_float_equal(tli_index(TLI_TP, 0.05), 45.7093, 1e-4);
	assert_float_equal(tli_index(TLI_TN, 1.0), 54.53, 1e-9);
	assert_float_equal(tli_index(TLI_SD, 1.0), 51.18, 1e-9);
	assert_float_equal(tli_index(TLI_CODMN, 4.0), 37.9793, 1e-4);
	/* SD: the clearer, the lower: 0.3 m -> 10 (5.118 + 1.94 x 1.203973) */
	assert_float_equal(tli_index(TLI_SD, 0.3), 74.5371, 1e-4);
	/* no ln of 0, a negative or a missing value: the parameter lacks */
	assert_true(isnan(tli_index(TLI_TP, 0)));
	assert_true(isnan(tli_index(TLI_TP, -0.01)));
	assert_true(isnan(tli_index(TLI_TP, NAN)));
	assert_true(isnan(tli_index(TLI_NPARAM, 1)));
}

/* With all five the weights are 0.2663 0.1879 0.1790 0.1834 0.1834. */
static void
test_weights(void **state)
{
	double sum = 0;
	int j;

	(void)state;
	for (j = 0; j < TLI_NPARAM; j++)
		sum += tli_r2(j);
	assert_float_equal(sum, 3.7558, 1e-9);
	assert_float_equal(tli_r2(TLI_CHLA) / sum, 0.2663, 1e-4);
	assert_float_equal(tli_r2(TLI_TP) / sum, 0.1879, 1e-4);
	assert_float_equal(tli_r2(TLI_TN) / sum, 0.1790, 1e-4);
	assert_float_equal(tli_r2(TLI_SD) / sum, 0.1834, 1e-4);
	assert_float_equal(tli_r2(TLI_CODMN) / sum, 0.1834, 1e-4);
}

/*
 * The five of test_index:
 * Σ rij² TLI(j) = 1 x 50.0061 + 0.7056 x 45.7093 + 0.6724 x 54.53
 *	+ 0.6889 x 51.18 + 0.6889 x 37.9793
 *	= 50.0061 + 32.2525 + 36.6660 + 35.2579 + 26.1639 = 180.3464
 * Σ rij² = 3.7558; TLI(Σ) = 180.3464 / 3.7558 = 48.018 -> 48.0 中营养.
 */
static void
test_five(void **state)
{
	const double v[TLI_NPARAM] = { 10, 0.05, 1.0, 1.0, 4.0 };
	struct tli t;

	(void)state;
	assert_int_equal(tli_compute(v, &t), 0);
	assert_float_equal(t.value, 48.0, 1e-9);
	assert_int_equal(t.cls, 2);
	assert_string_equal(tli_class_zh(t.cls), "中营养");
	assert_int_equal(t.used, TLI_ALL);
	assert_int_equal(t.missing, 0);
}

/*
 * Renormalised over the parameters present (the method's m): chl-a and
 * TP alone: (50.0061 + 32.2525) / (1 + 0.7056) = 82.2586 / 1.7056
 * = 48.229 -> 48.2 中营养; TN, SD, CODMn missing.
 */
static void
test_renormalised(void **state)
{
	const double v[TLI_NPARAM] = { 10, 0.05, NAN, NAN, NAN };
	struct tli t;

	(void)state;
	assert_int_equal(tli_compute(v, &t), 0);
	assert_float_equal(t.value, 48.2, 1e-9);
	assert_int_equal(t.used, 1u << TLI_CHLA | 1u << TLI_TP);
	assert_int_equal(t.missing,
	    1u << TLI_TN | 1u << TLI_SD | 1u << TLI_CODMN);
	/* chl-a alone: its own index, 50.0061 -> 50.0, still 中营养 */
	{
		const double w[TLI_NPARAM] = { 10, NAN, NAN, NAN, NAN };

		assert_int_equal(tli_compute(w, &t), 0);
		assert_float_equal(t.value, 50.0, 1e-9);
		assert_int_equal(t.cls, 2);
	}
}

/*
 * A eutrophic lake: chl-a 50, TP 0.2, TN 2.0, SD 0.3, CODMn 8.0:
 * TLI(chl) = 10 (2.5 + 1.086 x 3.912023) = 67.4846
 * TLI(TP) = 10 (9.436 + 1.624 x -1.609438) = 68.2227
 * TLI(TN) = 10 (5.453 + 1.694 x 0.693147) = 66.2719
 * TLI(SD) = 10 (5.118 - 1.94 x -1.203973) = 74.5371
 * TLI(CODMn) = 10 (0.109 + 2.661 x 2.079442) = 56.4239
 * Σ = 67.4846 + 0.7056 x 68.2227 + 0.6724 x 66.2719 + 0.6889 x 74.5371
 *	+ 0.6889 x 56.4239 = 67.4846 + 48.1379 + 44.5612 + 51.3486
 *	+ 38.8704 = 250.4028; / 3.7558 = 66.671 -> 66.7 中度富营养.
 * An oligotrophic one: chl-a 2, TP 0.01, TN 0.3, SD 3, CODMn 2:
 * 32.5276, 19.5720, 34.1347, 29.8669, 19.5346; Σ = 103.3225;
 *	/ 3.7558 = 27.510 -> 27.5 贫营养.
 */
static void
test_states(void **state)
{
	const double eu[TLI_NPARAM] = { 50, 0.2, 2.0, 0.3, 8.0 };
	const double ol[TLI_NPARAM] = { 2, 0.01, 0.3, 3, 2 };
	struct tli t;

	(void)state;
	assert_int_equal(tli_compute(eu, &t), 0);
	assert_float_equal(t.value, 66.7, 1e-9);
	assert_string_equal(tli_class_zh(t.cls), "中度富营养");
	assert_int_equal(tli_compute(ol, &t), 0);
	assert_float_equal(t.value, 27.5, 1e-9);
	assert_string_equal(tli_class_zh(t.cls), "贫营养");
	assert_string_equal(tli_class_en(t.cls), "oligotrophic");
}

/* chl-a is the reference ("以chla作为基准参数"): none, no index. */
static void
test_no_chla(void **state)
{
	const double v[TLI_NPARAM] = { NAN, 0.05, 1.0, 1.0, 4.0 };
	const double z[TLI_NPARAM] = { 0, 0.05, 1.0, 1.0, 4.0 };
	struct tli t;

	(void)state;
	assert_int_equal(tli_compute(v, &t), -1);
	assert_true(isnan(t.value));
	assert_int_equal(t.cls, 0);
	assert_int_equal(t.missing, 1u << TLI_CHLA);
	assert_int_equal(tli_compute(z, &t), -1);	/* 0 has no ln */
}

/* The bounds: <30, 30..50, (50, 60], (60, 70], >70. */
static void
test_classes(void **state)
{
	(void)state;
	assert_int_equal(tli_class(29.9), 1);
	assert_int_equal(tli_class(30.0), 2);
	assert_int_equal(tli_class(50.0), 2);
	assert_int_equal(tli_class(50.1), 3);
	assert_int_equal(tli_class(60.0), 3);
	assert_int_equal(tli_class(60.1), 4);
	assert_int_equal(tli_class(70.0), 4);
	assert_int_equal(tli_class(70.1), 5);
	assert_int_equal(tli_class(NAN), 0);
	assert_string_equal(tli_class_zh(3), "轻度富营养");
	assert_string_equal(tli_class_zh(5), "重度富营养");
	assert_string_equal(tli_class_zh(0), "-");
}

/* chl-a mg/m3 = ug/L; a sensor in mg/L is converted; unknown: none. */
static void
test_units(void **state)
{
	(void)state;
	assert_float_equal(tli_unit_factor(TLI_CHLA, "µg/L"), 1, 0);
	assert_float_equal(tli_unit_factor(TLI_CHLA, "μg/L"), 1, 0);
	assert_float_equal(tli_unit_factor(TLI_CHLA, "ug/l"), 1, 0);
	assert_float_equal(tli_unit_factor(TLI_CHLA, "mg/m3"), 1, 0);
	assert_float_equal(tli_unit_factor(TLI_CHLA, "mg/L"), 1000, 0);
	assert_float_equal(tli_unit_factor(TLI_SD, "m"), 1, 0);
	assert_float_equal(tli_unit_factor(TLI_SD, "cm"), 0.01, 0);
	assert_float_equal(tli_unit_factor(TLI_TP, "mg/L"), 1, 0);
	assert_float_equal(tli_unit_factor(TLI_TP, "µg/L"), 0.001, 0);
	assert_true(isnan(tli_unit_factor(TLI_TP, "NTU")));
	assert_true(isnan(tli_unit_factor(TLI_SD, "mg/L")));
	assert_true(isnan(tli_unit_factor(TLI_CHLA, NULL)));
	assert_int_equal(tli_param_of(PARAM_SD), TLI_SD);
	assert_int_equal(tli_param_of(PARAM_CHLA), TLI_CHLA);
	assert_int_equal(tli_param_of(PARAM_DO), -1);
	assert_string_equal(gb3838_param_name(PARAM_SD), "sd");
	assert_int_equal(gb3838_param_parse("sd"), PARAM_SD);
	/* no GB 3838 class: transparency is judged by no table */
	assert_int_equal(gb3838_class(PARAM_SD, WATER_LAKE, 1.0, 2), 0);
}

/* ---- a site (tool/report_tli.c) ------------------------------------ */

static struct conf_sensor ss[6];
static struct rp_sensor rs[6];
static char sname[6][8], site[] = "湖心";

/* Sensor I of parameter P with period mean V in UNIT. */
static void
put(int i, enum parameter p, const char *unit, double v)
{
	snprintf(sname[i], sizeof(sname[i]), "s%d", i);
	memset(&ss[i], 0, sizeof(ss[i]));
	ss[i].name = sname[i];
	ss[i].site = site;
	ss[i].unit_label = (char *)(uintptr_t)unit;
	ss[i].parameter = p;
	ss[i].water_body = WATER_LAKE;
	ss[i].target_class = 3;
	ss[i].decimals = gb3838_decimals(p);
	memset(&rs[i], 0, sizeof(rs[i]));
	rs[i].s = &ss[i];
	rs[i].mean = v;
	rs[i].cum.mean = v;
}

static struct rp_site
five(void)
{
	struct rp_site st;

	put(0, PARAM_TP, "mg/L", 0.05);
	put(1, PARAM_CHLA, "µg/L", 10);
	put(2, PARAM_TN, "mg/L", 1.0);
	put(3, PARAM_SD, "m", 1.0);
	put(4, PARAM_CODMN, "mg/L", 4.0);
	put(5, PARAM_DO, "mg/L", 6.0);	/* not a TLI parameter */
	memset(&st, 0, sizeof(st));
	st.site = site;
	st.year = 2026;
	st.r = rs;
	st.n = 6;
	st.through = 1;
	return st;
}

/* test_five's lake as a site: "TLI 48.0 中营养 (chla, tp, tn, sd, codmn)" */
static void
test_site(void **state)
{
	struct rp_site st = five();
	struct tli t;
	char buf[256];

	(void)state;
	assert_int_equal(report_site_tli(&st, &t), 1);
	assert_float_equal(t.value, 48.0, 1e-9);
	report_tli_text(&st, buf, sizeof(buf));
	assert_string_equal(buf, "TLI 48.0 中营养 (chla, tp, tn, sd, codmn)");
	/* chl-a in mg/L: 0.010 mg/L is 10 mg/m3, the same index */
	put(1, PARAM_CHLA, "mg/L", 0.010);
	report_tli_text(&st, buf, sizeof(buf));
	assert_string_equal(buf, "TLI 48.0 中营养 (chla, tp, tn, sd, codmn)");
	/* SD, TN and CODMn with no valid mean: test_renormalised's 48.2 */
	rs[2].mean = rs[3].mean = rs[4].mean = NAN;
	report_tli_text(&st, buf, sizeof(buf));
	assert_string_equal(buf,
	    "TLI 48.2 中营养 (chla, tp; missing tn, sd, codmn)");
}

static void
test_site_no_chla(void **state)
{
	struct rp_site st = five();
	json_t *o = json_object();
	char buf[512];

	(void)state;
	rs[1].mean = NAN;
	report_tli_text(&st, buf, sizeof(buf));
	assert_string_equal(buf, "TLI – (chl-a has no valid mean for the "
	    "period, and chl-a is the method's reference parameter; missing "
	    "chla)");
	report_tli_json(&st, o);
	assert_true(json_is_null(json_object_get(o, "tli")));
	assert_non_null(strstr(json_string_value(json_object_get(o,
	    "tli_reason")), "no valid mean"));
	/* no chl-a sensor at all */
	ss[1].parameter = PARAM_NH3N;
	report_tli_text(&st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "the site has no chl-a sensor"));
	/* a chl-a unit we cannot convert never enters */
	ss[1].parameter = PARAM_CHLA;
	rs[1].mean = 10;
	ss[1].unit_label = (char *)(uintptr_t)"RFU";
	report_tli_text(&st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "unit_label is not one we convert"));
	json_decref(o);
}

static void
test_site_json(void **state)
{
	struct rp_site st = five();
	json_t *o = json_object(), *t, *u;

	(void)state;
	report_tli_json(&st, o);
	t = json_object_get(o, "tli");
	assert_true(json_is_object(t));
	assert_float_equal(json_real_value(json_object_get(t, "value")), 48.0,
	    1e-9);
	assert_string_equal(json_string_value(json_object_get(t, "class")),
	    "中营养");
	assert_string_equal(json_string_value(json_object_get(t, "class_en")),
	    "mesotrophic");
	u = json_object_get(t, "parameters_used");
	assert_int_equal(json_array_size(u), 5);
	assert_string_equal(json_string_value(json_array_get(u, 3)), "sd");
	assert_int_equal(json_array_size(json_object_get(t, "missing")), 0);
	assert_null(json_object_get(o, "tli_reason"));
	json_decref(o);
}

/* The method is for lakes and reservoirs: a river site has no index. */
static void
test_site_river(void **state)
{
	struct rp_site st = five();
	json_t *o = json_object();
	struct tli t;
	char buf[256];
	int i;

	(void)state;
	for (i = 0; i < 6; i++)
		ss[i].water_body = WATER_RIVER;
	assert_int_equal(report_site_tli(&st, &t), 0);
	report_tli_text(&st, buf, sizeof(buf));
	assert_string_equal(buf, "");
	report_tli_json(&st, o);
	assert_true(json_is_null(json_object_get(o, "tli")));
	assert_non_null(strstr(json_string_value(json_object_get(o,
	    "tli_reason")), "lakes and reservoirs"));
	json_decref(o);
}

static void
test_site_csv(void **state)
{
	struct rp_site st = five();
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(fp);
	report_tli_csv(&st, "2025-01", fp);
	rs[1].mean = NAN;	/* no chl-a: no index, the reason */
	report_tli_csv(&st, "2025-02", fp);
	fclose(fp);
	assert_non_null(strstr(buf, "2025-01,tli,,48.0,,中营养,,,,,,"
	    "\"used: chla, tp, tn, sd, codmn\"\n2025-02,tli,,,,,,,,,,\""));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_five),
		cmocka_unit_test(test_renormalised),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_no_chla),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_site),
		cmocka_unit_test(test_site_no_chla),
		cmocka_unit_test(test_site_json),
		cmocka_unit_test(test_site_river),
		cmocka_unit_test(test_site_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
