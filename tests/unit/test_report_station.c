/*
 * test_report_station.c: the station report of report_station.c (issue
 * 12, item 9): a day as a span of its own (continuous and manual
 * sensors), the site's class and main pollutants that day, the reasons
 * of an absent figure, the days of the daily list, the date of a day.
 * The classes are GB 3838-2002's table 1 (lake TP III 0.05, IV 0.1;
 * CODMn III 6, IV 10; DO III >= 5, IV >= 3; NH3-N II 0.5, III 1.0); the
 * main pollutants the 2011 method's (环办〔2011〕22号: only when the site
 * is worse than Class III, the worst classes first, ties by times over,
 * DO without a multiple), as report.c cites them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "../../tool/report.c"
#include "../../tool/report_out.c"
#include "../../tool/report_tli.c"
#include "../../tool/report_station.c"

#define EPS	1e-9
#define NS	4

static char site[] = "东湖湖心", unit[] = "mg/L";
static char names[NS][8] = { "tp", "codmn", "do", "nh3n" };
static const enum parameter params[NS] = { PARAM_TP, PARAM_CODMN, PARAM_DO,
	PARAM_NH3N };

struct fixture {
	struct conf_sensor	 s[NS];
	struct rp_sensor	 r[NS], buf[NS];
	struct rp_year		 y[NS];
	struct rp_rate		 rate[NS];
	struct rp_site		 st, day;
};

/* Four lake sensors: TP, CODMn, DO 4-hourly (6 a day), NH3-N manual. */
static void
fixture(struct fixture *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < NS; i++) {
		f->s[i].name = names[i];
		f->s[i].site = site;
		f->s[i].unit_label = unit;
		f->s[i].parameter = params[i];
		f->s[i].water_body = WATER_LAKE;
		f->s[i].target_class = 3;
		f->s[i].decimals = gb3838_decimals(params[i]);
		f->s[i].interval = 60;
		f->s[i].cycle = i == 3 ? 86400 : 4 * 3600;
		f->s[i].sampling = i == 3 ? SAMPLING_MANUAL :
		    SAMPLING_CONTINUOUS;
		f->s[i].day_min_fraction = 0.667;
		f->s[i].month_min_fraction = 0.667;
		f->r[i].s = &f->s[i];
		f->r[i].year = 2025;
		f->r[i].rules = report_rules(&f->s[i]);
		f->y[i].year = 2025;
	}
	f->st = (struct rp_site){ site, 2025, f->r, NS, 5, 0, 0 };
}

/* N valid samples of VALUE on day YDAY of sensor I. */
static void
put(struct fixture *f, int i, int yday, double value, int n)
{
	f->y[i].day[yday] = (struct rp_day){ value * n, n, n, 0, n };
}

/*
 * 3 May 2025 (yday 122): TP 3 of 6 samples (a day needs
 * ceil(6 x 0.6665) = 4: no mean), CODMn 6.3 (IV, (6.3 - 6) / 6 = 0.05),
 * DO 4.2 (IV), no lab result. The site is Class IV; its main pollutants
 * CODMn (0.05) then DO (no multiple, after a tie with one).
 */
static void
test_site_day(void **state)
{
	static struct fixture f;
	struct rp_pollutant p[REPORT_MAIN_MAX];

	(void)state;
	fixture(&f);
	assert_int_equal(report_yday(2025, 5) + 2, 122);
	put(&f, 0, 122, 0.082, 3);
	put(&f, 1, 122, 6.3, 6);
	put(&f, 2, 122, 4.2, 6);
	report_site_day(&f.st, f.y, 5, 3, &f.day, f.buf, f.rate);
	assert_true(isnan(f.buf[0].mean));
	assert_int_equal(f.buf[0].cls, 0);
	assert_int_equal(f.rate[0].expected, 6);
	assert_int_equal(f.rate[0].obtained, 3);
	assert_int_equal(f.buf[1].cls, 4);
	assert_true(fabs(f.buf[1].multiple - 0.05) < 1e-6);
	assert_int_equal(f.buf[2].cls, 4);
	assert_true(isnan(f.buf[2].multiple));
	assert_true(isnan(f.buf[3].mean));
	assert_int_equal(f.rate[3].expected, 0);	/* manual: n/a */
	assert_int_equal(f.day.cls, 4);
	assert_int_equal(report_main_pollutants(&f.day, p), 2);
	assert_ptr_equal(p[0].r, &f.buf[1]);
	assert_ptr_equal(p[1].r, &f.buf[2]);
	/* the site's own sensors are not touched */
	assert_ptr_equal(f.st.r, f.r);
	assert_int_equal(f.r[1].cls, 0);
}

/* A lab result (manual): the day's mean is the mean of its results. */
static void
test_day_manual(void **state)
{
	static struct fixture f;
	struct rp_dayfig d;

	(void)state;
	fixture(&f);
	f.y[3].day[134] = (struct rp_day){ 0.62 + 0.58, 2, 2, 0, 2 };
	report_day_fig(&f.y[3], 134, &f.r[3].rules, &d);
	assert_true(fabs(d.mean - 0.60) < EPS);
	assert_int_equal(d.need, 1);
	assert_int_equal(d.rate.expected, 0);
	/* a continuous sensor with 1 of 1 expected would have it too */
	report_day_fig(&f.y[3], 135, &f.r[3].rules, &d);
	assert_true(isnan(d.mean));
}

/* The days after today expect nothing (y->until): no capture rate. */
static void
test_day_not_begun(void **state)
{
	static struct fixture f;
	struct rp_dayfig d;

	(void)state;
	fixture(&f);
	f.y[0].until = 100;
	report_day_fig(&f.y[0], 100, &f.r[0].rules, &d);
	assert_false(d.begun);
	assert_int_equal(d.rate.expected, 0);
	report_day_fig(&f.y[0], 99, &f.r[0].rules, &d);
	assert_true(d.begun);
	assert_int_equal(d.rate.expected, 6);
}

static void
test_reasons(void **state)
{
	static struct fixture f;
	struct rp_station sr = { 0 };
	char zh[160], en[160];

	(void)state;
	fixture(&f);
	put(&f, 0, 122, 0.082, 3);
	put(&f, 1, 122, 6.3, 6);
	report_site_day(&f.st, f.y, 5, 3, &f.day, f.buf, f.rate);
	sr = (struct rp_station){ NULL, &f.day, RP_SPAN_DAY, 2025, 5, 3,
	    f.rate, f.y, 0 };
	report_station_reason(&sr, 0, zh, en, sizeof(zh));
	assert_string_equal(en, "too few valid samples (3 of 6, need 4)");
	assert_string_equal(zh, "有效数据不足（3/6个，需4个）");
	report_station_reason(&sr, 1, zh, en, sizeof(zh));
	assert_string_equal(en, "");
	report_station_reason(&sr, 2, zh, en, sizeof(zh));
	assert_string_equal(en, "no valid sample");
	report_station_reason(&sr, 3, zh, en, sizeof(zh));
	assert_string_equal(zh, "当日无人工监测结果");
	report_station_note(&sr, 2, zh, en, sizeof(zh));
	assert_string_equal(en, "no valid sample");
	/* a month: 4 of 31 days valid, need ceil(31 x 0.6665) = 21 */
	f.r[0].m[4] = (struct rp_month){ .month = 5, .days = 31,
	    .need_days = 21, .valid_days = 4, .mean = 0.05 };
	report_site_month(&f.st, 5, &f.day, f.buf);
	sr.span = RP_SPAN_MONTH;
	report_station_reason(&sr, 0, zh, en, sizeof(zh));
	assert_true(isnan(f.buf[0].mean));
	assert_string_equal(en, "too few valid days (4 of 31, need 21)");
	assert_string_equal(zh, "有效天数不足（4/31天，需21天）");
}

/* The words: pollutants, span, the TN note of lakes. */
static void
test_words(void **state)
{
	static struct fixture f;
	struct rp_station sr;
	char zh[256], en[256];

	(void)state;
	fixture(&f);
	put(&f, 0, 122, 0.082, 6);
	put(&f, 1, 122, 6.3, 6);
	put(&f, 2, 122, 4.2, 6);
	report_site_day(&f.st, f.y, 5, 3, &f.day, f.buf, f.rate);
	sr = (struct rp_station){ NULL, &f.day, RP_SPAN_DAY, 2025, 5, 3,
	    f.rate, f.y, 0 };
	report_station_pollutants(&sr, zh, en, sizeof(zh));
	/* TP (0.082 - 0.05) / 0.05 = 0.64 */
	assert_string_equal(zh, "总磷（0.64）、高锰酸盐指数（0.05）、溶解氧");
	assert_string_equal(en, "TP (0.64), CODMn (0.05), DO");
	report_station_span(&sr, zh, en, sizeof(zh));
	assert_string_equal(zh, "2025年5月3日");
	assert_string_equal(en, "2025-05-03");
	report_station_tn(&sr, zh, en, sizeof(zh));
	assert_string_equal(zh, "湖库总氮单独评价，本站未监测总氮");
	f.s[0].water_body = f.s[1].water_body = f.s[2].water_body =
	    f.s[3].water_body = WATER_RIVER;
	report_station_tn(&sr, zh, en, sizeof(zh));
	assert_string_equal(zh, "");
	sr.span = RP_SPAN_PERIOD;
	f.day.through = 5;
	report_station_span(&sr, zh, en, sizeof(zh));
	assert_string_equal(zh, "2025年1–5月");
	assert_string_equal(en, "Jan–May 2025");
}

/* The days of the daily list and the date of a day of the year. */
static void
test_days(void **state)
{
	static struct fixture f;
	struct rp_station sr;
	int first, last, m, d;

	(void)state;
	fixture(&f);
	sr = (struct rp_station){ NULL, &f.st, RP_SPAN_MONTH, 2024, 2, 0,
	    f.rate, f.y, 1 };
	f.st.through = 2;
	assert_int_equal(report_station_days(&sr, &first, &last), 0);
	assert_int_equal(first, 31);
	assert_int_equal(last, 31 + 29 - 1);	/* 2024 is a leap year */
	sr.span = RP_SPAN_PERIOD;
	report_station_days(&sr, &first, &last);
	assert_int_equal(first, 0);
	assert_int_equal(last, 59);
	f.y[2].until = 40;			/* today is 10 Feb */
	report_station_days(&sr, &first, &last);
	assert_int_equal(last, 39);
	report_date_of(2024, 59, &m, &d);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	report_date_of(2025, 364, &m, &d);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	report_date_of(2025, 0, &m, &d);
	assert_int_equal(m * 100 + d, 101);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_site_day),
		cmocka_unit_test(test_day_manual),
		cmocka_unit_test(test_day_not_begun),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
