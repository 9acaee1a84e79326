/*
 * test_report.c: the bulletin statistics of report.c: the valid-day rule,
 * monthly and cumulative means, year on year, classes and exceedance
 * multiples, Beijing-day boundaries at 16:00Z, time parsing, and the
 * sentence the seed bulletin printed.
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

#define EPS	1e-9

static struct conf_sensor
tp_sensor(enum water_body w)
{
	static char site[] = "长荡湖湖心", unit[] = "mg/L", name[] = "c-tp";
	struct conf_sensor s;

	memset(&s, 0, sizeof(s));
	s.name = name;
	s.site = site;
	s.unit_label = unit;
	s.parameter = PARAM_TP;
	s.water_body = w;
	s.target_class = 3;
	s.decimals = 3;
	s.interval = 60;
	s.cycle = 4 * 3600;
	return s;
}

static time_t
utc(const char *s)
{
	const char *why;
	time_t t;

	assert_int_equal(parse_rfc3339(s, &t, &why), 0);
	return t;
}

static void
test_flags(void **state)
{
	const char *p;

	(void)state;
	assert_true(report_flag_valid('N'));
	assert_true(report_flag_valid('S'));
	for (p = "MCDFTB"; *p; p++) {
		assert_false(report_flag_valid(*p));
		assert_true(samplelog_flag_known(*p));
	}
	assert_false(samplelog_flag_known('X'));
	assert_false(samplelog_flag_known('\0'));
}

static void
test_need(void **state)
{
	struct conf_sensor s = tp_sensor(WATER_LAKE);

	(void)state;
	/* 0.667 reads as 2/3: 4 of 6, 16 of 24, 960 of 1440 */
	assert_int_equal(report_need(6, 0.667), 4);
	assert_int_equal(report_need(24, 0.667), 16);
	assert_int_equal(report_need(1440, 0.667), 960);
	assert_int_equal(report_need(31, 0.667), 21);
	assert_int_equal(report_need(30, 0.667), 20);
	assert_int_equal(report_need(28, 0.667), 19);
	assert_int_equal(report_need(6, 0.75), 5);
	assert_int_equal(report_need(6, 1), 6);
	assert_int_equal(report_need(6, 0), 1);
	assert_int_equal(report_expected(&s), 6);
	s.cycle = 0;
	assert_int_equal(report_expected(&s), 1440);
	s.interval = 3600;
	assert_int_equal(report_expected(&s), 24);
}

static void
test_valid_day(void **state)
{
	struct rp_rules r = { 6, 0.667, 0.667, 0 };
	struct rp_day d4 = { 4 * 0.05, 4, 6, 0, 6 }, d3 = { 3 * 0.3, 3, 6, 0, 6 };

	(void)state;
	assert_true(fabs(report_day_mean(&d4, &r) - 0.05) < EPS);
	assert_true(isnan(report_day_mean(&d3, &r)));
	r.day_min_fraction = 0.5;
	assert_true(fabs(report_day_mean(&d3, &r) - 0.3) < EPS);
}

/* Days FROM..TO (1-based, January) each N samples averaging V. */
static void
fill(struct rp_year *y, int from, int to, int n, double v)
{
	int d;

	for (d = from; d <= to; d++)
		y->day[d - 1] = (struct rp_day){ n * v, n, 6, 0, 6 };
}

static void
test_month_mean(void **state)
{
	static struct rp_year y;
	struct rp_rules r = { 6, 0.667, 0.667, 0 };
	struct rp_month m;

	(void)state;
	memset(&y, 0, sizeof(y));
	y.year = 2026;
	/* the mean of daily means, not of samples: 4 x 0.04 and 6 x 0.06 */
	fill(&y, 1, 10, 4, 0.04);
	fill(&y, 11, 20, 6, 0.06);
	fill(&y, 21, 21, 3, 0.9);	/* too few: not a valid day */
	report_month(&y, 1, &r, &m);
	assert_int_equal(m.days, 31);
	assert_int_equal(m.valid_days, 20);
	assert_int_equal(m.need_days, 21);
	assert_false(m.valid);
	assert_true(fabs(m.mean - 0.05) < EPS);
	fill(&y, 21, 21, 4, 0.05);
	report_month(&y, 1, &r, &m);
	assert_true(m.valid);
	assert_int_equal(m.samples, 10 * 4 + 10 * 6 + 4);
	assert_int_equal(m.lost, 0);
	/* rows the daemon lost are the month's, whatever the day */
	y.day[2].nlost = 25;
	y.day[30].nlost = 2;
	y.day[31].nlost = 7;		/* 1 February */
	report_month(&y, 1, &r, &m);
	assert_int_equal(m.lost, 27);
	/* February of a leap year starts on day 31 and has 29 days */
	assert_int_equal(days_in_month(2028, 2), 29);
	assert_int_equal(report_yday(2026, 3), 59);
}

static void
test_cumulative(void **state)
{
	static const double mean[5] = { 0.048, 0.046, 0.044, 0.050, 0.082 };
	struct rp_month m[12];
	struct rp_cum c;
	int i;

	(void)state;
	memset(m, 0, sizeof(m));
	for (i = 0; i < 5; i++)
		m[i] = (struct rp_month){ .month = i + 1, .mean = mean[i],
		    .valid = 1 };
	report_cumulative(m, 1, 5, &c);
	assert_int_equal(c.nmonths, 5);
	assert_true(fabs(c.mean - 0.054) < EPS);
	report_cumulative(m, 1, 4, &c);
	assert_true(fabs(c.mean - 0.047) < EPS);
	m[4].valid = 0;		/* an invalid month does not count */
	report_cumulative(m, 1, 5, &c);
	assert_int_equal(c.nmonths, 4);
	assert_true(fabs(c.mean - 0.047) < EPS);
	report_cumulative(m, 6, 12, &c);
	assert_int_equal(c.nmonths, 0);
	assert_true(isnan(c.mean));
}

static void
test_yoy(void **state)
{
	(void)state;
	assert_true(fabs(report_yoy(0.054, 0.075, 3) + 28) < EPS);
	/* judged on the reported (rounded) means, as a bulletin is */
	assert_true(fabs(report_yoy(0.05441, 0.07502, 3) + 28) < EPS);
	assert_true(fabs(report_yoy(0.06, 0.05, 3) - 20) < EPS);
	assert_true(isnan(report_yoy(0.054, NAN, 3)));
	assert_true(isnan(report_yoy(0.054, 0.0002, 3)));
}

static void
test_class_and_multiple(void **state)
{
	struct conf_sensor lake = tp_sensor(WATER_LAKE);
	struct conf_sensor river = tp_sensor(WATER_RIVER);

	(void)state;
	assert_int_equal(gb3838_class(PARAM_TP, WATER_LAKE, 0.054, 3), 4);
	assert_int_equal(gb3838_class(PARAM_TP, WATER_RIVER, 0.054, 3), 2);
	assert_int_equal(gb3838_class(PARAM_TP, WATER_LAKE, 0.075, 3), 4);
	/* DOMAIN.md 1.2: (0.054 - 0.05) / 0.05 = 0.08 times over */
	assert_true(fabs(report_multiple(&lake, 0.054) - 0.08) < EPS);
	assert_true(fabs(report_multiple(&lake, 0.082) - 0.64) < EPS);
	assert_true(report_multiple(&lake, 0.05) == 0);
	assert_true(report_multiple(&lake, 0.0504) == 0);	/* 0.050 */
	assert_true(report_multiple(&river, 0.054) == 0);
	/*
	 * Issue 12, defect 1: 超标倍数 is counted against Class III whatever
	 * the target (2011 method, 环办〔2011〕22号: "超标倍数=(某指标的浓度
	 * 值-该指标的Ⅲ类水质标准)/该指标的Ⅲ类水质标准"; wording as cited,
	 * the method's body could not be read here). Lake TP, target II
	 * (limit 0.025), at 0.054: vs III (0.054 - 0.05) / 0.05 = 0.08;
	 * vs the target (0.054 - 0.025) / 0.025 = 1.16.
	 */
	lake.target_class = 2;
	assert_true(fabs(report_multiple(&lake, 0.054) - 0.08) < EPS);
	assert_true(fabs(report_target_multiple(&lake, 0.054) - 1.16) < EPS);
	/* 0.045 meets III (0) but not II: (0.045 - 0.025) / 0.025 = 0.8 */
	assert_true(report_multiple(&lake, 0.045) == 0);
	assert_true(fabs(report_target_multiple(&lake, 0.045) - 0.8) < EPS);
	/* target IV (0.1): 0.054 is 0.08 over III, within its target */
	lake.target_class = 4;
	assert_true(fabs(report_multiple(&lake, 0.054) - 0.08) < EPS);
	assert_true(report_target_multiple(&lake, 0.054) == 0);
	lake.target_class = 3;
	assert_true(fabs(report_target_multiple(&lake, 0.054) - 0.08) < EPS);
	lake.parameter = PARAM_DO;
	assert_true(isnan(report_multiple(&lake, 1.0)));
	assert_true(isnan(report_target_multiple(&lake, 1.0)));
	lake.parameter = PARAM_TURBIDITY;
	assert_true(isnan(report_multiple(&lake, 30)));
}

static void
test_beijing_days(void **state)
{
	char err[LW_ERRLEN];
	static struct rp_year y;
	struct samplelog_row r = { 0, 0.05, 'N' };

	(void)state;
	assert_int_equal(report_tz("Asia/Shanghai", err), 0);
	memset(&y, 0, sizeof(y));
	y.year = 2026;
	r.t = utc("2026-01-31T15:59:59Z");	/* 23:59:59 on 31 Jan */
	assert_int_equal(report_add(&y, &r), 1);
	assert_int_equal(y.day[30].nvalid, 1);
	r.t = utc("2026-01-31T16:00:00Z");	/* 00:00 on 1 Feb */
	assert_int_equal(report_add(&y, &r), 1);
	assert_int_equal(y.day[31].nvalid, 1);
	r.t = utc("2025-12-31T16:00:00Z");	/* 00:00 on 1 Jan 2026 */
	assert_int_equal(report_add(&y, &r), 1);
	assert_int_equal(y.day[0].nvalid, 1);
	r.t = utc("2025-12-31T15:59:59Z");	/* still 2025 in Beijing */
	assert_int_equal(report_add(&y, &r), 0);
	r.t = utc("2026-12-31T16:00:00Z");	/* already 2027 */
	assert_int_equal(report_add(&y, &r), 0);
	r.t = utc("2026-02-10T00:00:00Z");
	r.flag = 'M';				/* counted, not valid */
	assert_int_equal(report_add(&y, &r), 1);
	assert_int_equal(y.day[40].nall, 1);
	assert_int_equal(y.day[40].nvalid, 0);
	assert_true(report_month_start(2026, 1) == utc("2025-12-31T16:00:00Z"));
	assert_true(report_month_start(2026, 13) ==
	    utc("2026-12-31T16:00:00Z"));
	assert_int_equal(report_tz("No/Such_Zone", err), -1);
}

/*
 * Issue #10: -9487.25 mg/L logged with flag N (a wrong word order, before
 * the plausible range) was averaged in. It is counted, never valid.
 */
static void
test_implausible_row(void **state)
{
	char err[LW_ERRLEN];
	static struct rp_year y;
	struct conf_sensor s = tp_sensor(WATER_LAKE);
	struct samplelog_row r = { 0, 0.05, 'N' };

	(void)state;
	s.plausible_min = 0;
	s.plausible_max = 100;
	assert_int_equal(report_tz("Asia/Shanghai", err), 0);
	memset(&y, 0, sizeof(y));
	y.year = 2026;
	y.sensor = &s;
	r.t = utc("2026-03-01T00:00:00Z");
	assert_int_equal(report_add(&y, &r), 1);
	r.t += 4 * 3600;
	r.value = -9487.25;
	assert_int_equal(report_add(&y, &r), 1);
	r.t += 4 * 3600;
	r.value = 3.4e12;
	r.flag = 'S';
	assert_int_equal(report_add(&y, &r), 1);
	assert_int_equal(y.day[59].nall, 3);
	assert_int_equal(y.day[59].nvalid, 1);
	assert_true(fabs(y.day[59].sum - 0.05) < EPS);
}

static void
test_parse_time(void **state)
{
	char err[LW_ERRLEN];
	const char *why;
	time_t t;

	(void)state;
	assert_int_equal(report_tz("Asia/Shanghai", err), 0);
	assert_true(utc("2026-11-26T08:00:00Z") == 1795680000);
	assert_true(utc("2026-11-26T16:00:00+08:00") == 1795680000);
	assert_true(utc("2026-11-26 16:00") == 1795680000);
	assert_true(utc("2026-11-26 16:00:00") == 1795680000);
	assert_true(utc("2026-11-26t08:00Z") == 1795680000);
	assert_int_equal(parse_rfc3339("2026-11-26T08:00:00", &t, &why),
	    -1);
	assert_non_null(strstr(why, "zone"));
	assert_int_equal(parse_rfc3339("2026-02-30 08:00", &t, &why), -1);
	assert_int_equal(parse_rfc3339("2026-13-01 08:00", &t, &why), -1);
	assert_int_equal(parse_rfc3339("2026-11-26T08:00:00.5Z", &t,
	    &why), -1);
	assert_int_equal(parse_rfc3339("26-11-26 08:00", &t, &why), -1);
	assert_int_equal(parse_rfc3339("2026-11-26 08:00x", &t, &why), -1);
	assert_int_equal(parse_rfc3339("", &t, &why), -1);
}

static void
test_spans(void **state)
{
	char buf[32];

	(void)state;
	report_span_zh(1, 5, buf, sizeof(buf));
	assert_string_equal(buf, "1–5月");
	report_span_zh(5, 5, buf, sizeof(buf));
	assert_string_equal(buf, "5月");
	report_span_en(1, 4, buf, sizeof(buf));
	assert_string_equal(buf, "Jan–Apr");
	assert_string_equal(report_param_zh(PARAM_TP), "总磷");
}

/* The seed's months and the bulletin sentence. */
static void
test_summary(void **state)
{
	static const double cur[5] = { 0.048, 0.046, 0.044, 0.050, 0.082 };
	static const double prev[5] = { 0.070, 0.072, 0.075, 0.078, 0.080 };
	struct conf_sensor s = tp_sensor(WATER_LAKE);
	struct rp_sensor r;
	char zh[512], en[512];
	int i;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.s = &s;
	r.year = 2026;
	for (i = 0; i < 12; i++) {
		r.m[i] = (struct rp_month){ .month = i + 1, .mean = NAN };
		r.pm[i] = r.m[i];
	}
	for (i = 0; i < 5; i++) {
		r.m[i].mean = cur[i];
		r.pm[i].mean = prev[i];
		r.m[i].valid = r.pm[i].valid = 1;
	}
	report_sensor_sum(&r, 5);
	assert_int_equal(r.cls, 4);
	assert_true(fabs(r.pmean - 0.075) < EPS);
	assert_true(fabs(r.yoy + 28) < EPS);
	summary(&r, zh, en, sizeof(zh));
	assert_string_equal(zh, "长荡湖湖心 1–5月总磷均值0.054 mg/L，"
	    "同比下降28%，Ⅳ类；1–4月均达到Ⅲ类");
	assert_string_equal(en, "长荡湖湖心 TP Jan–May mean 0.054 mg/L, "
	    "−28 % year on year, Class IV; Jan–Apr met Class III");
	s.water_body = WATER_RIVER;
	report_sensor_sum(&r, 5);
	assert_int_equal(r.cls, 2);
	summary(&r, zh, en, sizeof(zh));
	assert_non_null(strstr(zh, "Ⅱ类；1–5月均达到Ⅲ类"));
}

/*
 * Issue 12, defect 5: with April invalid the sentence still read
 * "1–5月总磷均值…" as if April counted, and year on year compared 4
 * months of 2026 with 5 of 2025. Worked by hand: 2026 valid Jan, Feb,
 * Mar, May: (0.048 + 0.046 + 0.044 + 0.082) / 4 = 0.055, Class IV; 2025
 * over the same months: (0.070 + 0.072 + 0.075 + 0.080) / 4 = 0.07425,
 * 0.074 at 3 decimals (GB/T 8170, half to even); (0.055 - 0.074) / 0.074
 * = -25.7 %, "下降26%" (over all five 2025 months it would be 0.075 and
 * -26.7 %). The 2011 method's annual mean is the mean of the monthly
 * values; comparing only months valid in both years is this project's
 * rule (we found no text of the method on partial years).
 */
static void
test_invalid_month(void **state)
{
	static const double cur[5] = { 0.048, 0.046, 0.044, 0.050, 0.082 };
	static const double prev[5] = { 0.070, 0.072, 0.075, 0.078, 0.080 };
	struct conf_sensor s = tp_sensor(WATER_LAKE);
	struct rp_sensor r;
	char zh[512], en[512], buf[64];
	int i;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.s = &s;
	r.year = 2026;
	for (i = 0; i < 12; i++) {
		r.m[i] = (struct rp_month){ .month = i + 1, .mean = NAN };
		r.pm[i] = r.m[i];
	}
	for (i = 0; i < 5; i++) {
		r.m[i].mean = cur[i];
		r.pm[i].mean = prev[i];
		r.m[i].valid = r.pm[i].valid = 1;
	}
	r.m[3].valid = 0;		/* April: too few valid days */
	report_sensor_sum(&r, 5);
	assert_true(fabs(r.mean - 0.055) < EPS);
	assert_int_equal(r.cls, 4);
	assert_int_equal(r.ymask, 0x17);	/* Jan-Mar, May */
	assert_true(fabs(r.yoy - (0.055 - 0.074) / 0.074 * 100) < 1e-6);
	summary(&r, zh, en, sizeof(zh));
	assert_string_equal(zh, "长荡湖湖心 1–5月总磷均值0.055 mg/L，"
	    "同比下降26%（按两年均有效的1–3、5月计），Ⅳ类；1–3月均达到Ⅲ类；"
	    "4月有效数据不足，未参与统计");
	assert_string_equal(en, "长荡湖湖心 TP Jan–May mean 0.055 mg/L, "
	    "−26 % year on year (over Jan–Mar, May, valid in both years), "
	    "Class IV; Jan–Mar met Class III; Apr: too few valid data, "
	    "not counted");
	report_months_zh(0x17, buf, sizeof(buf));
	assert_string_equal(buf, "1–3、5月");
	report_months_en(0x801, buf, sizeof(buf));
	assert_string_equal(buf, "Jan, Dec");
}

/* Sensor R of parameter P judged on one valid January at VALUE. */
static void
one_month(struct rp_sensor *r, struct conf_sensor *s, enum parameter p,
    double value)
{
	int i;

	*s = tp_sensor(WATER_LAKE);
	s->parameter = p;
	s->decimals = p == PARAM_DO || p == PARAM_CODMN ? 1 : 3;
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->year = 2026;
	for (i = 0; i < 12; i++) {
		r->m[i] = (struct rp_month){ .month = i + 1, .mean = NAN };
		r->pm[i] = r->m[i];
	}
	r->m[0].mean = value;
	r->m[0].valid = 1;
}

/*
 * Issue 12, defect 2: main pollutants (主要污染指标), 环办〔2011〕22号
 * as cited (its body could not be read here): "断面水质超过Ⅲ类标准时，
 * 先按照不同指标对应水质类别的优劣，选择水质类别最差的前三项指标作为
 * 主要污染指标。当不同指标对应的水质类别相同时计算超标倍数，将超标指标
 * 按其超标倍数大小排列，取超标倍数最大的前三项为主要污染指标"; "对于
 * 水温、pH值和溶解氧等项目不计算超标倍数". GB 3838 Table 1 (lake):
 * DO III >= 5, IV >= 3; CODMn III <= 6, IV <= 10; NH3-N III <= 1.0,
 * IV <= 1.5, V <= 2.0; TP III <= 0.05, IV <= 0.1.
 */
static void
test_main_pollutants(void **state)
{
	struct conf_sensor cs[4];
	struct rp_sensor r[4];
	struct rp_pollutant p[REPORT_MAIN_MAX];
	struct rp_site st;
	char zh[512], en[512];

	(void)state;
	/*
	 * DO 4.2 (IV, no multiple), CODMn 6.3 (IV, (6.3 - 6) / 6 = 0.05),
	 * TP 0.04 (III), NH3-N 0.5 (II): Class IV; both Class IV ones are
	 * named, CODMn first (the one with a multiple). The old report
	 * named CODMn only.
	 */
	one_month(&r[0], &cs[0], PARAM_DO, 4.2);
	one_month(&r[1], &cs[1], PARAM_CODMN, 6.3);
	one_month(&r[2], &cs[2], PARAM_TP, 0.04);
	one_month(&r[3], &cs[3], PARAM_NH3N, 0.5);
	memset(&st, 0, sizeof(st));
	st.site = cs[0].site;
	st.year = 2026;
	st.r = r;
	st.n = 4;
	st.through = 1;
	report_site_judge(&st);
	assert_int_equal(st.cls, 4);
	site_summary(&st, zh, en, sizeof(zh));
	assert_non_null(strstr(zh, "主要污染指标：高锰酸盐指数（0.05）、"
	    "溶解氧"));
	assert_non_null(strstr(en, "main pollutants: CODMn (0.05 times "
	    "over Class III), DO"));
	assert_int_equal(report_main_pollutants(&st, p), 2);
	assert_true(p[0].r == &r[1] && p[0].cls == 4);
	assert_true(fabs(p[0].times_over - 0.05) < EPS);
	assert_true(p[1].r == &r[0] && isnan(p[1].times_over));

	/*
	 * NH3-N 1.6 (V, 0.60), TP 0.082 (IV, 0.64), CODMn 6.3 (IV, 0.05),
	 * DO 4.2 (IV): the worst class first (NH3-N), then Class IV by
	 * times over (TP, CODMn); three at most, so DO is left out.
	 */
	one_month(&r[2], &cs[2], PARAM_TP, 0.082);
	one_month(&r[3], &cs[3], PARAM_NH3N, 1.6);
	st.cls = 0;
	report_site_judge(&st);
	assert_int_equal(st.cls, 5);
	assert_int_equal(report_main_pollutants(&st, p), 3);
	assert_true(p[0].r == &r[3] && fabs(p[0].times_over - 0.6) < EPS);
	assert_true(p[1].r == &r[2] && fabs(p[1].times_over - 0.64) < EPS);
	assert_true(p[2].r == &r[1]);

	/* a site that meets Class III has none, whatever its target */
	one_month(&r[0], &cs[0], PARAM_DO, 6.5);
	one_month(&r[1], &cs[1], PARAM_CODMN, 5.0);
	one_month(&r[2], &cs[2], PARAM_TP, 0.05);
	one_month(&r[3], &cs[3], PARAM_NH3N, 0.5);
	cs[2].target_class = 2;
	st.cls = 0;
	report_site_judge(&st);
	assert_int_equal(st.cls, 3);
	assert_int_equal(report_main_pollutants(&st, p), 0);
	site_summary(&st, zh, en, sizeof(zh));
	assert_null(strstr(zh, "主要污染指标"));
}

/*
 * Issue 12, defect 3: one lab result a month (cycle = 24h) was "1/31
 * days, too few" and never a monthly value. The 2011 method, 数据统计,
 * 周、旬、月评价 (as DOMAIN.md 1.2 cites it; the body could not be read
 * here): a week, ten days or a month may be evaluated on a single
 * measurement, or the mean of several. With sampling = manual a month
 * with at least one valid result has a monthly value, their mean:
 * (0.046 + 0.052) / 2 = 0.049.
 */
static void
test_manual_month(void **state)
{
	static struct rp_year y;
	struct rp_rules cont = { 1, 0.667, 0.667, 0 };
	struct rp_rules man = { 1, 0.667, 0.667, 1 };
	struct rp_month m;

	(void)state;
	memset(&y, 0, sizeof(y));
	y.year = 2026;
	y.day[14] = (struct rp_day){ 0.046, 1, 1, 0, 1 };	/* 15 Jan */
	report_month(&y, 1, &cont, &m);
	assert_false(m.valid);
	assert_int_equal(m.valid_days, 1);
	report_month(&y, 1, &man, &m);
	assert_true(m.valid);
	assert_int_equal(m.need_days, 1);
	assert_true(fabs(m.mean - 0.046) < EPS);
	/* two results the same day count as two: the mean of the results */
	y.day[27] = (struct rp_day){ 0.052, 1, 2, 0, 2 };	/* 28 Jan */
	report_month(&y, 1, &man, &m);
	assert_true(fabs(m.mean - 0.049) < EPS);
	assert_int_equal(m.samples, 2);
	/* a result flagged M or C is no result: February stays invalid */
	y.day[40] = (struct rp_day){ 0, 0, 1, 0, 1 };
	report_month(&y, 2, &man, &m);
	assert_false(m.valid);
	assert_true(isnan(m.mean));
}

/*
 * The year-to-date risk (lib/ytd.h), by hand. The annual mean is the
 * mean of the 12 monthly means (the 2011 method, as the bulletin
 * computes it). The seed: Jan-Apr 0.045, 0.048, 0.046, 0.049 (each meets
 * Class III, lake TP 0.05), May to date 0.082 (3 valid days: not yet a
 * valid month, counted as the month in progress):
 *	S = 0.270, K = 5, mean 0.054 (the bulletin's Jan-May figure)
 *	x* = (12 x 0.050 - 0.270) / 7 = 0.330 / 7 = 0.04714..., 0.047 down.
 * The same months read as a past year (no month in progress): May is
 * not valid, S = 0.188, K = 4, mean 0.047, x* = (0.600 - 0.188) / 8 = 0.0515.
 */
static void
ytd_seed(struct rp_sensor *r, struct conf_sensor *s)
{
	static const double mean[5] = { 0.045, 0.048, 0.046, 0.049, 0.082 };
	int i;

	*s = tp_sensor(WATER_LAKE);
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->year = 2026;
	assert_int_equal(gb3838_limit(PARAM_TP, WATER_LAKE, 3, &r->limit), 0);
	assert_true(fabs(r->limit - 0.05) < EPS);
	for (i = 0; i < 12; i++) {
		r->m[i].month = i + 1;
		r->m[i].mean = i < 5 ? mean[i] : NAN;
		r->m[i].valid = i < 4;
		r->m[i].valid_days = i < 4 ? 30 : i == 4 ? 3 : 0;
	}
}

static void
test_ytd(void **state)
{
	struct conf_sensor s;
	struct rp_sensor r;
	char buf[512];

	(void)state;
	ytd_seed(&r, &s);
	report_ytd(&r, 5, 5);
	assert_int_equal(r.ytd.months_used, 5);
	assert_int_equal(r.ytd.remaining, 7);
	assert_int_equal(r.ytd_current, 5);
	assert_true(fabs(r.ytd.mean - 0.054) < EPS);
	assert_int_equal(r.ytd.reachable, 1);
	assert_true(fabs(r.ytd.required - 0.047) < EPS);
	report_ytd_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "year to date 2026: mean 0.054 mg/L over 5 "
	    "months (May to date); the remaining 7 months must hold a mean "
	    "<= 0.047 mg/L for the year to meet Class III");
	/* a past year: May is not valid and not in progress; 8 to come */
	report_ytd(&r, 4, 0);
	assert_int_equal(r.ytd.months_used, 4);
	assert_int_equal(r.ytd.remaining, 8);
	assert_int_equal(r.ytd_current, 0);
	assert_true(fabs(r.ytd.mean - 0.047) < EPS);
	assert_true(fabs(r.ytd.required - 0.051) < EPS);
	/* Jan-Nov at 0.060: x* = (0.600 - 0.660) / 1 < 0: out of reach */
	ytd_project(11 * 0.060, 11, 1, 0.05, 1, 3, &r.ytd);
	assert_int_equal(r.ytd.reachable, 0);
	assert_true(isnan(r.ytd.required));
	report_ytd_text(&r, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Class III for the year is out of reach"));
	/* a whole year: nothing to come; 0.0504 rounds to 0.050 and meets */
	ytd_project(12 * 0.0504, 12, 0, 0.05, 1, 3, &r.ytd);
	assert_int_equal(r.ytd.reachable, 1);
	assert_true(isnan(r.ytd.required));
	ytd_project(12 * 0.054, 12, 0, 0.05, 1, 3, &r.ytd);
	assert_int_equal(r.ytd.reachable, 0);
	/*
	 * DO, a lower limit (Class III >= 5 mg/L, 1 decimal): Jan 4.2, Feb
	 * 4.4: x* = (12 x 5 - 8.6) / 10 = 5.14, rounded up: 5.2.
	 */
	ytd_project(8.6, 2, 10, 5, -1, 1, &r.ytd);
	assert_true(fabs(r.ytd.mean - 4.3) < EPS);
	assert_int_equal(r.ytd.reachable, 1);
	assert_true(fabs(r.ytd.required - 5.2) < EPS);
	/* no limit (conductivity): nothing to project against */
	ytd_project(1, 1, 11, NAN, 0, 0, &r.ytd);
	assert_int_equal(r.ytd.reachable, -1);
	assert_true(isnan(r.ytd.required));
}

/* The month in progress is the local month (Beijing: 16:00Z next day). */
static void
test_ytd_current(void **state)
{
	char err[LW_ERRLEN];

	(void)state;
	assert_int_equal(report_tz("Asia/Shanghai", err), 0);
	assert_int_equal(report_current_month(2026,
	    utc("2026-04-30T15:59:59Z")), 4);
	assert_int_equal(report_current_month(2026,
	    utc("2026-04-30T16:00:00Z")), 5);
	assert_int_equal(report_current_month(2025,
	    utc("2026-04-30T16:00:00Z")), 0);
	assert_int_equal(report_tz(NULL, err), 0);
}

/* Run FN's output into BUF (a memstream), NUL-terminated. */
static char *
capture(char **buf, size_t *len, FILE **fp)
{
	*fp = open_memstream(buf, len);
	assert_non_null(*fp);
	return *buf;
}

static void
assert_no_nan(const char *out)
{
	assert_null(strstr(out, "nan"));
	assert_null(strstr(out, "NaN"));
	assert_null(strstr(out, "inf"));
}

/*
 * Issue 12, defect 4: with no valid month (January has 20 valid days of
 * 31, 21 needed) the text said "mean nan mg/L". No output shows nan: an
 * absent figure is "–" in text, empty in CSV, null in JSON, each with
 * the reason.
 */
static void
test_no_nan(void **state)
{
	struct conf_sensor s = tp_sensor(WATER_LAKE);
	struct conf c;
	struct rp_sensor r;
	struct rp_site st;
	json_t *j;
	char *buf = NULL, *js;
	size_t len;
	FILE *fp;
	int i;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.day_min_fraction = c.month_min_fraction = 0.667;
	memset(&r, 0, sizeof(r));
	r.s = &s;
	r.year = 2026;
	r.rules = (struct rp_rules){ 6, 0.667, 0.667, 0 };
	for (i = 0; i < 12; i++) {
		r.m[i] = (struct rp_month){ .month = i + 1, .mean = NAN,
		    .days = 31, .need_days = 21 };
		r.pm[i] = r.m[i];
	}
	r.m[0].mean = 0.05;
	r.m[0].valid_days = 20;
	report_sensor_sum(&r, 1);
	assert_true(isnan(r.mean));

	capture(&buf, &len, &fp);
	report_text(&c, &r, fp);
	fclose(fp);
	assert_no_nan(buf);
	assert_non_null(strstr(buf, "mean – (no valid month: Jan has too "
	    "few valid days)"));
	free(buf);

	capture(&buf, &len, &fp);
	report_csv(&r, fp);
	fclose(fp);
	assert_no_nan(buf);
	assert_non_null(strstr(buf, "\n2026-01..2026-01,,,,0,,,,,,,no valid "
	    "month: Jan has too few valid days\n"));
	free(buf);

	j = report_json(&c, &r);
	js = json_dumps(j, 0);
	assert_no_nan(js);
	assert_true(json_is_null(json_object_get(json_object_get(j,
	    "cumulative"), "mean")));
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(j, "cumulative"), "reason")),
	    "no valid month: Jan has too few valid days");
	free(js);
	json_decref(j);

	memset(&st, 0, sizeof(st));
	st.site = s.site;
	st.year = 2026;
	st.r = &r;
	st.n = 1;
	st.through = 1;
	report_site_judge(&st);
	capture(&buf, &len, &fp);
	report_site_text(&st, fp);
	fclose(fp);
	assert_no_nan(buf);
	assert_non_null(strstr(buf, "no valid month: Jan has too few valid "
	    "days"));
	free(buf);
	j = report_site_json(&st);
	js = json_dumps(j, 0);
	assert_no_nan(js);
	assert_non_null(strstr(js, "\"reason\": \"no valid month: Jan has "
	    "too few valid days\""));
	free(js);
	json_decref(j);
}

/*
 * Issue 12, item 8: capture and validity rates (数据获取率, 有效率) = rows
 * obtained / valid over rows expected. A 4-hourly TP analyzer expects
 * 86400 / 14400 = 6 a day: April 2026 (30 days) expects 6 x 30 = 180.
 * Worked by hand: 1-27 Apr 6 valid rows each (162); 28 Apr 6 rows, 3 of
 * them a calibration (C: obtained, not valid); 29 Apr 3 rows, all
 * faults (D); 30 Apr 6 polls that failed (B: nothing obtained). Obtained
 * 162 + 6 + 3 = 171, valid 162 + 3 = 165: capture 171 / 180 = 95.0 %,
 * validity 165 / 180 = 91.666... = 91.7 %.
 */
static struct rp_year *
april_year(void)
{
	static struct rp_year y;
	struct samplelog_row row;
	time_t t = utc("2026-03-31T16:00:00Z");	/* 1 Apr 00:00 Beijing */
	int d, k;

	memset(&y, 0, sizeof(y));
	y.year = 2026;
	for (d = 0; d < 30; d++)
		for (k = 0; k < 6; k++) {
			row.t = t + d * 86400 + k * 14400;
			row.value = 0.05;
			row.flag = d < 27 ? 'N' : d == 27 ? (k < 3 ? 'N' : 'C') :
			    d == 28 ? (k < 3 ? 'D' : 'B') : 'B';
			if (row.flag == 'B')
				row.value = NAN;
			assert_int_equal(report_add(&y, &row), 1);
		}
	return &y;
}

static void
test_rates(void **state)
{
	struct conf_sensor s = tp_sensor(WATER_LAKE);
	struct rp_rules r = report_rules(&s);
	struct rp_year *y;
	struct rp_month m[12];
	struct rp_rate rt;
	struct rp_day extra = { 8 * 0.05, 8, 8, 0, 8 };
	int i, o, v;

	(void)state;
	assert_int_equal(report_tz("Asia/Shanghai", (char[LW_ERRLEN]){0}), 0);
	y = april_year();
	assert_int_equal(r.expected, 6);
	for (i = 0; i < 12; i++)
		report_month(y, i + 1, &r, &m[i]);
	assert_int_equal(m[3].expected, 180);
	assert_int_equal(m[3].obtained, 171);
	assert_int_equal(m[3].valid_rows, 165);
	assert_true(fabs(report_rate(m[3].obtained, m[3].expected) - 95.0) <
	    1e-9);
	assert_true(fabs(gb3838_round(report_rate(m[3].valid_rows,
	    m[3].expected), 1) - 91.7) < 1e-9);
	/* March had no row: 31 x 6 expected, nothing obtained: 0 % */
	assert_int_equal(m[2].expected, 186);
	assert_int_equal(m[2].obtained, 0);
	/* the period March-April: 366 expected, 171 obtained, 165 valid */
	report_rates(m, 3, 4, &rt);
	assert_int_equal(rt.expected, 366);
	assert_int_equal(rt.obtained, 171);
	assert_int_equal(rt.valid, 165);
	/* a day of 8 rows counts 6: it does not make up for another day */
	report_day_counts(&extra, &r, &o, &v);
	assert_int_equal(o, 6);
	assert_int_equal(v, 6);
	/* this year: the days after today are not expected (until) */
	y->until = report_yday(2026, 4) + 10;	/* through 10 April */
	report_month(y, 4, &r, &m[3]);
	assert_int_equal(m[3].expected, 60);
	assert_int_equal(m[3].obtained, 60);
	report_month(y, 5, &r, &m[4]);
	assert_int_equal(m[4].expected, 0);
	assert_true(isnan(report_rate(m[4].obtained, m[4].expected)));
	/* manual (lab) samples: no expected count, no rate */
	y->until = 0;
	r.manual = 1;
	report_month(y, 4, &r, &m[3]);
	assert_int_equal(m[3].expected, 0);
	assert_int_equal(m[3].obtained, 171);
	assert_true(isnan(report_rate(m[3].valid_rows, m[3].expected)));
}

/* The same April in the text, CSV and JSON of a report (item 8). */
static void
test_rates_out(void **state)
{
	struct conf_sensor s = tp_sensor(WATER_LAKE);
	struct conf c;
	struct rp_sensor r;
	struct rp_year *y;
	json_t *j, *mo;
	char *buf = NULL;
	size_t len;
	FILE *fp;
	int i;

	(void)state;
	assert_int_equal(report_tz("Asia/Shanghai", (char[LW_ERRLEN]){0}), 0);
	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	r.s = &s;
	r.year = 2026;
	r.rules = report_rules(&s);
	y = april_year();
	for (i = 0; i < 12; i++) {
		report_month(y, i + 1, &r.rules, &r.m[i]);
		r.pm[i] = (struct rp_month){ .month = i + 1, .mean = NAN };
	}
	report_sensor_sum(&r, 4);
	j = report_json(&c, &r);
	mo = json_array_get(json_object_get(j, "months"), 3);
	assert_true(fabs(json_real_value(json_object_get(mo, "capture_rate")) -
	    95.0) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(mo, "valid_rate")) -
	    91.7) < 1e-9);
	assert_int_equal(json_integer_value(json_object_get(mo,
	    "expected_samples")), 180);
	/* Jan-Apr: 31 + 28 + 31 + 30 = 120 days, 720 expected; 171 / 720 */
	mo = json_object_get(j, "cumulative");
	assert_int_equal(json_integer_value(json_object_get(mo,
	    "expected_samples")), 720);
	assert_true(fabs(json_real_value(json_object_get(mo, "capture_rate")) -
	    23.8) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(mo, "valid_rate")) -
	    22.9) < 1e-9);
	json_decref(j);

	capture(&buf, &len, &fp);
	report_csv(&r, fp);
	fclose(fp);
	assert_non_null(strstr(buf, ",target_times_over,capture_rate,"
	    "valid_rate,note\n"));
	/* 28 valid days: tp_sensor has day_min_fraction 0 */
	assert_non_null(strstr(buf, "\n2026-04,0.050,28,30,1,III,0.00,,0.00,"
	    "95.0,91.7,\n"));
	assert_non_null(strstr(buf, "\n2026-01..2026-04,0.050,,,1,III,0.00,,"
	    "0.00,23.8,22.9,\n"));
	free(buf);

	capture(&buf, &len, &fp);
	report_text(&c, &r, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "\nApr             180      171      165"
	    "    95.0 %    91.7 %\n"));
	free(buf);

	r.rules.manual = 1;
	for (i = 0; i < 12; i++)
		report_month(y, i + 1, &r.rules, &r.m[i]);
	report_sensor_sum(&r, 4);
	capture(&buf, &len, &fp);
	report_text(&c, &r, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "capture and validity rates: n/a "
	    "(sampling = manual: no expected count); 171 results, 165 "
	    "valid\n"));
	free(buf);
	j = report_json(&c, &r);
	mo = json_array_get(json_object_get(j, "months"), 3);
	assert_true(json_is_null(json_object_get(mo, "capture_rate")));
	assert_true(json_is_null(json_object_get(mo, "expected_samples")));
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_need),
		cmocka_unit_test(test_valid_day),
		cmocka_unit_test(test_month_mean),
		cmocka_unit_test(test_cumulative),
		cmocka_unit_test(test_yoy),
		cmocka_unit_test(test_class_and_multiple),
		cmocka_unit_test(test_beijing_days),
		cmocka_unit_test(test_implausible_row),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_no_nan),
		cmocka_unit_test(test_invalid_month),
		cmocka_unit_test(test_main_pollutants),
		cmocka_unit_test(test_manual_month),
		cmocka_unit_test(test_ytd),
		cmocka_unit_test(test_ytd_current),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_rates_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
