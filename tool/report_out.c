/*
 * report_out.c: a report as text, JSON and CSV, and the bulletin
 * sentence in Chinese and English (the figures come from report.c).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/conf.h"
#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "report.h"
#include "report_out.h"
#include "report_tli.h"

static const char *const mon_en[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

void
report_span_zh(int from, int through, char *buf, size_t len)
{
	if (from == through)
		snprintf(buf, len, "%d月", from);
	else
		snprintf(buf, len, "%d–%d月", from, through);
}

void
report_span_en(int from, int through, char *buf, size_t len)
{
	if (from == through)
		snprintf(buf, len, "%s", mon_en[from - 1]);
	else
		snprintf(buf, len, "%s–%s", mon_en[from - 1],
		    mon_en[through - 1]);
}

/* Append the run FROM..TO (1-based) of month names to BUF at *N. */
static void
months_run(int from, int to, int zh, char *buf, size_t len, size_t *n)
{
	const char *sep = *n ? (zh ? "、" : ", ") : "";

	if (*n >= len)
		return;
	if (zh && from == to)
		*n += snprintf(buf + *n, len - *n, "%s%d", sep, from);
	else if (zh)
		*n += snprintf(buf + *n, len - *n, "%s%d–%d", sep, from, to);
	else if (from == to)
		*n += snprintf(buf + *n, len - *n, "%s%s", sep,
		    mon_en[from - 1]);
	else
		*n += snprintf(buf + *n, len - *n, "%s%s–%s", sep,
		    mon_en[from - 1], mon_en[to - 1]);
}

static void
months_list(unsigned mask, int zh, char *buf, size_t len)
{
	size_t n = 0;
	int m, from;

	buf[0] = '\0';
	for (m = 1; m <= 12; m++) {
		if (!(mask & (1u << (m - 1))))
			continue;
		for (from = m; m < 12 && (mask & (1u << m)); m++)
			;
		months_run(from, m, zh, buf, len, &n);
	}
	if (zh && n > 0 && n < len)
		snprintf(buf + n, len - n, "月");
}

void
report_months_zh(unsigned mask, char *buf, size_t len)
{
	months_list(mask, 1, buf, len);
}

void
report_months_en(unsigned mask, char *buf, size_t len)
{
	months_list(mask, 0, buf, len);
}

/* Months 1..THROUGH of M with some valid day but too few (bit 0: Jan). */
static unsigned
months_short(const struct rp_month *m, int through)
{
	unsigned mask = 0;
	int i;

	for (i = 0; i < through; i++)
		if (!m[i].valid && m[i].valid_days > 0)
			mask |= 1u << i;
	return mask;
}

static int
nbits(unsigned mask)
{
	int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

/*
 * Why the cumulative mean of R is absent (never printed as nan): "no
 * valid month: Jan, Feb have too few valid days" or "no valid day in
 * Jan–May".
 */
static void
absent_reason(const struct rp_sensor *r, char *buf, size_t len)
{
	/* from cum.from: a site's months[] judge one month alone */
	unsigned mask = months_short(r->m, r->cum.through) &
	    ~((1u << (r->cum.from - 1)) - 1);
	char ms[64];

	if (mask == 0) {
		report_span_en(r->cum.from, r->cum.through, ms, sizeof(ms));
		snprintf(buf, len, "no valid day in %s", ms);
		return;
	}
	report_months_en(mask, ms, sizeof(ms));
	snprintf(buf, len, "no valid month: %s %s too few valid days", ms,
	    nbits(mask) == 1 ? "has" : "have");
}

const char *
report_param_zh(enum parameter p)
{
	static const char *const n[PARAM_COUNT] = {
		[PARAM_TP] = "总磷", [PARAM_TN] = "总氮",
		[PARAM_NH3N] = "氨氮", [PARAM_CODMN] = "高锰酸盐指数",
		[PARAM_DO] = "溶解氧", [PARAM_PH] = "pH",
		[PARAM_TEMP] = "水温", [PARAM_TURBIDITY] = "浊度",
		[PARAM_COND] = "电导率", [PARAM_CHLA] = "叶绿素a",
		[PARAM_SD] = "透明度",
	};

	return p < PARAM_COUNT && n[p] ? n[p] : "?";
}

/*
 * The clause on the months that met the target: "1–4月均达到Ⅲ类" /
 * "Jan–Apr met Class III" when they run from January, else a list.
 */
static void
met_clause(const struct rp_sensor *r, char *zh, char *en, size_t len)
{
	const char *tz = gb3838_class_name_zh(r->s->target_class);
	const char *te = gb3838_class_name(r->s->target_class);
	char sz[32], se[32];
	int i, k = 0, any = 0, through = r->cum.through;
	size_t nz, ne;

	while (k < through && report_month_met(r, &r->m[k]))
		k++;
	for (i = 0; i < through; i++)
		any += report_month_met(r, &r->m[i]);
	if (k > 0 && k == any) {
		report_span_zh(1, k, sz, sizeof(sz));
		report_span_en(1, k, se, sizeof(se));
		snprintf(zh, len, "%s%s达到%s", sz, k > 1 ? "均" : "", tz);
		snprintf(en, len, "%s %s Class %s", se, k == through &&
		    k > 1 ? "each met" : "met", te);
		return;
	}
	if (any == 0) {
		snprintf(zh, len, "各月均未达到%s", tz);
		snprintf(en, len, "no month met Class %s", te);
		return;
	}
	zh[0] = en[0] = '\0';
	for (i = 0, nz = ne = 0; i < through; i++) {
		if (!report_month_met(r, &r->m[i]))
			continue;
		nz += snprintf(zh + nz, len - nz, "%s%d", nz ? "、" : "",
		    i + 1);
		ne += snprintf(en + ne, len - ne, "%s%s", ne ? ", " : "",
		    mon_en[i]);
	}
	snprintf(zh + nz, len - nz, "月达到%s", tz);
	snprintf(en + ne, len - ne, " met Class %s", te);
}

/* Months 1..THROUGH as a mask (bit 0: January). */
static unsigned
span_mask(int through)
{
	return through >= 32 ? ~0u : (1u << through) - 1;
}

/*
 * "，同比下降28%" / ", −28 % year on year", then, when not every month of
 * the span was valid in both years, which were compared:
 * "（按两年均有效的1–3、5月计）" / " (over Jan–Mar, May, valid in both
 * years)"; empty when there is none.
 */
static void
yoy_clause(const struct rp_sensor *r, char *zh, char *en, size_t len)
{
	long p = lround(r->yoy);
	char mz[64], me[64];
	int nz, ne;

	zh[0] = en[0] = '\0';
	if (isnan(r->yoy))
		return;
	if (p == 0) {
		nz = snprintf(zh, len, "，同比持平");
		ne = snprintf(en, len, ", unchanged year on year");
	} else {
		nz = snprintf(zh, len, "，同比%s%ld%%", p < 0 ? "下降" :
		    "上升", labs(p));
		ne = snprintf(en, len, ", %s%ld %% year on year", p < 0 ?
		    "−" : "+", labs(p));
	}
	if (r->ymask == span_mask(r->cum.through) || (size_t)nz >= len ||
	    (size_t)ne >= len)
		return;
	report_months_zh(r->ymask, mz, sizeof(mz));
	report_months_en(r->ymask, me, sizeof(me));
	snprintf(zh + nz, len - nz, "（按两年均有效的%s计）", mz);
	snprintf(en + ne, len - ne, " (over %s, valid in both years)", me);
}

/*
 * "；4月有效数据不足，未参与统计" / "; Apr: too few valid data, not
 * counted" for the months of the span that are not valid; else empty.
 */
static void
missing_clause(const struct rp_sensor *r, char *zh, char *en, size_t len)
{
	unsigned mask = 0;
	char mz[64], me[64];
	int i;

	zh[0] = en[0] = '\0';
	for (i = 0; i < r->cum.through; i++)
		if (!r->m[i].valid)
			mask |= 1u << i;
	if (mask == 0)
		return;
	report_months_zh(mask, mz, sizeof(mz));
	report_months_en(mask, me, sizeof(me));
	snprintf(zh, len, "；%s有效数据不足，未参与统计", mz);
	snprintf(en, len, "; %s: too few valid data, not counted", me);
}

/* The bulletin sentence, in Chinese and in English. */
static void
summary(const struct rp_sensor *r, char *zh, char *en, size_t len)
{
	const struct conf_sensor *s = r->s;
	char sz[32], se[32], yz[160], ye[160], mz[160], me[160];
	char xz[128], xe[128];

	report_span_zh(1, r->cum.through, sz, sizeof(sz));
	report_span_en(1, r->cum.through, se, sizeof(se));
	if (isnan(r->mean)) {
		snprintf(zh, len, "%s %s%s无有效月均值", s->site, sz,
		    report_param_zh(s->parameter));
		snprintf(en, len, "%s %s: no valid monthly mean for %s",
		    s->site, gb3838_param_label(s->parameter), se);
		return;
	}
	yoy_clause(r, yz, ye, sizeof(yz));
	missing_clause(r, xz, xe, sizeof(xz));
	if (r->cls == 0) {
		snprintf(zh, len, "%s %s%s均值%.*f %s%s%s", s->site, sz,
		    report_param_zh(s->parameter), s->decimals, r->mean,
		    s->unit_label, yz, xz);
		snprintf(en, len, "%s %s %s mean %.*f %s%s%s", s->site,
		    gb3838_param_label(s->parameter), se, s->decimals,
		    r->mean, s->unit_label, ye, xe);
		return;
	}
	met_clause(r, mz, me, sizeof(mz));
	snprintf(zh, len, "%s %s%s均值%.*f %s%s，%s；%s%s", s->site, sz,
	    report_param_zh(s->parameter), s->decimals, r->mean,
	    s->unit_label, yz, gb3838_class_name_zh(r->cls), mz, xz);
	snprintf(en, len, "%s %s %s mean %.*f %s%s, Class %s; %s%s", s->site,
	    gb3838_param_label(s->parameter), se, s->decimals, r->mean,
	    s->unit_label, ye, gb3838_class_name(r->cls), me, xe);
}

/*
 * "0.08 times over Class III" (the bulletin figure), then for a target
 * other than III ", 1.16 times over target II" or ", meets target IV";
 * "" when VALUE meets Class III and the target.
 */
static void
over_text(const struct conf_sensor *s, double value, char *buf,
    size_t len)
{
	double m = report_multiple(s, value);
	double t = report_target_multiple(s, value);
	int n = 0;

	buf[0] = '\0';
	if (isfinite(m) && m > 0)
		n = snprintf(buf, len, "%.2f times over Class III", m);
	if (s->target_class == 3 || !isfinite(t) || (size_t)n >= len)
		return;
	if (t > 0)
		snprintf(buf + n, len - n, "%s%.2f times over target %s",
		    n ? ", " : "", t, gb3838_class_name(s->target_class));
	else if (n)
		snprintf(buf + n, len - n, ", meets target %s",
		    gb3838_class_name(s->target_class));
}

static void
text_month(const struct rp_sensor *r, const struct rp_month *m, FILE *fp)
{
	const struct conf_sensor *s = r->s;
	char over[96], mean[32];
	int c = report_month_class(r, m);

	if (isnan(m->mean)) {
		/* "–" is 3 bytes wide in UTF-8, one column on screen */
		fprintf(fp, "%d-%02d  %12s  %5d/%-5d  %-6s  no valid day\n",
		    r->year, m->month, "–", 0, m->days, "-");
	} else {
		snprintf(mean, sizeof(mean), "%.*f", s->decimals,
		    gb3838_round(m->mean, s->decimals));
		over_text(s, m->mean, over, sizeof(over));
		if (!m->valid)
			snprintf(over, sizeof(over), "too few valid days: "
			    "not counted");
		fprintf(fp, "%d-%02d  %10s  %5d/%-5d  %-*s%s\n", r->year,
		    m->month, mean, m->valid_days, m->days, over[0] ? 8 : 0,
		    c ? gb3838_class_name(c) : "-", over);
	}
	if (m->lost > 0)
		fprintf(fp, "         %d sample-log rows were lost (could not "
		    "be written): this month's figures lack them\n", m->lost);
}

static void
text_head(const struct conf *c, const struct rp_sensor *r, FILE *fp)
{
	const struct conf_sensor *s = r->s;

	fprintf(fp, "%s  %s (%s), %s, %d\n", s->site,
	    gb3838_param_label(s->parameter), s->name,
	    gb3838_water_name(s->water_body), r->year);
	if (!isnan(r->limit))
		fprintf(fp, "target Class %s: limit %.*f %s\n",
		    gb3838_class_name(s->target_class), s->decimals, r->limit,
		    s->unit_label);
	if (r->rules.manual)
		fprintf(fp, "days in %s; manual samples (sampling = manual): "
		    "a month with at least one valid result counts, with "
		    "their mean\n\n", c->timezone ? c->timezone : "UTC");
	else
		fprintf(fp, "days in %s; a day counts with >= %d of %d valid "
		    "samples (day_min_fraction %g),\na month with >= %g of "
		    "its days valid (month_min_fraction); cumulative = mean "
		    "of valid months\n\n", c->timezone ? c->timezone : "UTC",
		    report_need(r->rules.expected, r->rules.day_min_fraction),
		    r->rules.expected, r->rules.day_min_fraction,
		    r->rules.month_min_fraction);
	fprintf(fp, "%-7s  %10s  %11s  %-6s  %s\n", "month", "mean",
	    "valid days", "class", "times over");
}

/* "95.0 %", or "n/a" when not defined. */
void
report_pct(double v, char *buf, size_t len)
{
	if (isfinite(v))
		snprintf(buf, len, "%.1f %%", v);
	else
		snprintf(buf, len, "n/a");
}

static void
text_rate_row(const char *what, const struct rp_rate *rt, FILE *fp)
{
	char cap[16], val[16];

	report_pct(report_rate(rt->obtained, rt->expected), cap, sizeof(cap));
	report_pct(report_rate(rt->valid, rt->expected), val, sizeof(val));
	fprintf(fp, "%-10s %8ld %8ld %8ld %9s %9s\n", what, rt->expected,
	    rt->obtained, rt->valid, cap, val);
}

/* The capture and validity rates (数据获取率, 有效率), by month. */
static void
text_rates(const struct rp_sensor *r, FILE *fp)
{
	struct rp_rate rt;
	char ym[32];
	int i;

	report_rates(r->m, 1, r->cum.through, &rt);
	if (r->rules.manual) {
		fprintf(fp, "\ncapture and validity rates: n/a (sampling = "
		    "manual: no expected count); %ld results, %ld valid\n",
		    rt.obtained, rt.valid);
		return;
	}
	fprintf(fp, "\ncapture and validity rates (数据获取率, 有效率), of "
	    "%d samples a day expected:\n%-10s %8s %8s %8s %9s %9s\n",
	    r->rules.expected, "month", "expected", "obtained", "valid",
	    "capture", "validity");
	/* month names: "2026-05" begins the rows of the table above */
	for (i = 1; i <= r->cum.through; i++) {
		report_rates(r->m, i, i, &rt);
		text_rate_row(mon_en[i - 1], &rt, fp);
	}
	report_span_en(1, r->cum.through, ym, sizeof(ym));
	report_rates(r->m, 1, r->cum.through, &rt);
	text_rate_row(ym, &rt, fp);
}

void
report_text(const struct conf *c, const struct rp_sensor *r, FILE *fp)
{
	const struct conf_sensor *s = r->s;
	char span[32], over[96], zh[512], en[512];
	int i;

	text_head(c, r, fp);
	for (i = 0; i < r->cum.through; i++)
		text_month(r, &r->m[i], fp);
	report_span_en(1, r->cum.through, span, sizeof(span));
	over_text(s, r->cum.mean, over, sizeof(over));
	if (isnan(r->mean)) {
		absent_reason(r, zh, sizeof(zh));
		fprintf(fp, "\n%s %d   mean – (%s)\n", span, r->year, zh);
	} else
		fprintf(fp, "\n%s %d   mean %.*f %s  Class %s  %s(%d valid "
		    "months)\n", span, r->year, s->decimals, r->mean,
		    s->unit_label, gb3838_class_name(r->cls),
		    over[0] ? strcat(over, "  ") : "", r->cum.nmonths);
	if (!isnan(r->pmean))
		fprintf(fp, "%s %d   mean %.*f %s  Class %s  (%d valid "
		    "months)\n", span, r->year - 1, s->decimals, r->pmean,
		    s->unit_label, gb3838_class_name(gb3838_class(s->parameter,
		    s->water_body, r->pcum.mean, s->decimals)),
		    r->pcum.nmonths);
	if (!isnan(r->yoy)) {
		zh[0] = '\0';
		if (r->ymask != span_mask(r->cum.through)) {
			report_months_en(r->ymask, span, sizeof(span));
			snprintf(zh, sizeof(zh), " (over %s: the months valid "
			    "in both years)", span);
		}
		fprintf(fp, "year on year: %s%.1f %%%s\n", r->yoy < 0 ? "−" :
		    "+", fabs(r->yoy), zh);
	} else
		fprintf(fp, "year on year: – (no valid month in %d)\n",
		    isnan(r->mean) ? r->year : r->year - 1);
	report_ytd_text(r, zh, sizeof(zh));
	fprintf(fp, "%s\n", zh);
	text_rates(r, fp);
	summary(r, zh, en, sizeof(zh));
	fprintf(fp, "\n%s\n%s\n", zh, en);
}

/* ---- the year-to-date risk (issue 12, item 10) ------------------------ */

/* "mean 0.049 mg/L over 5 months (May to date)" */
static size_t
ytd_mean_text(const struct rp_sensor *r, char *buf, size_t len)
{
	const struct conf_sensor *s = r->s;
	const struct ytd *y = &r->ytd;
	int n;

	if (y->months_used == 0)
		return (size_t)snprintf(buf, len, "mean – (no valid month)");
	n = snprintf(buf, len, "mean %.*f %s over %d month%s", s->decimals,
	    gb3838_round(y->mean, s->decimals), s->unit_label,
	    y->months_used, y->months_used == 1 ? "" : "s");
	if (r->ytd_current && (size_t)n < len)
		n += snprintf(buf + n, len - n, " (%s to date)",
		    mon_en[r->ytd_current - 1]);
	return (size_t)n;
}

void
report_ytd_text(const struct rp_sensor *r, char *buf, size_t len)
{
	const struct conf_sensor *s = r->s;
	const struct ytd *y = &r->ytd;
	const char *cls = gb3838_class_name(s->target_class);
	size_t n;

	n = (size_t)snprintf(buf, len, "year to date %d: ", r->year);
	if (n < len)
		n += ytd_mean_text(r, buf + n, len - n);
	if (n >= len)
		return;
	if (y->reachable == -1)
		snprintf(buf + n, len - n, "; no target limit to project "
		    "against");
	else if (y->remaining == 0)
		snprintf(buf + n, len - n, "; the year %s Class %s",
		    y->reachable ? "meets" : "does not meet", cls);
	else if (!y->reachable)
		snprintf(buf + n, len - n, "; Class %s for the year is out of "
		    "reach (the remaining %d month%s cannot bring the mean "
		    "back)", cls, y->remaining, y->remaining == 1 ? "" : "s");
	else
		snprintf(buf + n, len - n, "; the remaining %d month%s must "
		    "hold a mean %s %.*f %s for the year to meet Class %s",
		    y->remaining, y->remaining == 1 ? "" : "s",
		    gb3838_direction(s->parameter) < 0 ? ">=" : "<=",
		    s->decimals, y->required, s->unit_label, cls);
}

/* A number rounded to D decimals, or null. */
json_t *
report_jnum(double v, int d)
{
	return isfinite(v) ? json_real(d >= 0 ? gb3838_round(v, d) : v) :
	    json_null();
}

json_t *
report_jclass(int c)
{
	return c ? json_string(gb3838_class_name(c)) : json_null();
}

/* JSON null for a count not defined (0 expected: manual sampling). */
static json_t *
jcount(long n)
{
	return n > 0 ? json_integer(n) : json_null();
}

/* The rates of months FROM..THROUGH of R into object O. */
static void
json_rates(json_t *o, const struct rp_sensor *r, int from, int through)
{
	struct rp_rate rt;

	report_rates(r->m, from, through, &rt);
	json_object_set_new(o, "expected_samples", jcount(rt.expected));
	json_object_set_new(o, "obtained_samples", json_integer(rt.obtained));
	json_object_set_new(o, "valid_samples", json_integer(rt.valid));
	json_object_set_new(o, "capture_rate",
	    report_jnum(report_rate(rt.obtained, rt.expected), 1));
	json_object_set_new(o, "valid_rate",
	    report_jnum(report_rate(rt.valid, rt.expected), 1));
}

static json_t *
json_months(const struct rp_sensor *r)
{
	const struct rp_month *m;
	json_t *a = json_array();
	char ym[16];
	int i;

	for (i = 0; i < r->cum.through; i++) {
		m = &r->m[i];
		snprintf(ym, sizeof(ym), "%d-%02d", r->year, m->month);
		json_array_append_new(a, json_pack("{s:s, s:o, s:i, s:o, "
		    "s:i, s:i, s:b, s:o, s:i, s:i}", "month", ym,
		    "mean", report_jnum(m->mean, r->s->decimals),
		    "valid_days", m->valid_days,
		    "class", report_jclass(report_month_class(r, m)),
		    "days", m->days, "need_days", m->need_days,
		    "valid", m->valid,
		    "times_over",
		    report_jnum(report_multiple(r->s, m->mean), 2),
		    "samples", m->samples, "lost_rows", m->lost));
		json_object_set_new(json_array_get(a, i), "target_times_over",
		    report_jnum(report_target_multiple(r->s, m->mean), 2));
		json_rates(json_array_get(a, i), r, i + 1, i + 1);
	}
	return a;
}

/* ["2026-01", "2026-03"]: the months of MASK (bit 0: January). */
static json_t *
json_months_of(int year, unsigned mask)
{
	json_t *a = json_array();
	char ym[16];
	int i;

	for (i = 0; i < 12; i++)
		if (mask & (1u << i)) {
			snprintf(ym, sizeof(ym), "%d-%02d", year, i + 1);
			json_array_append_new(a, json_string(ym));
		}
	return a;
}

json_t *
report_json(const struct conf *c, const struct rp_sensor *r)
{
	const struct conf_sensor *s = r->s;
	char from[16], thr[16], zh[512], en[512];
	json_t *j;

	snprintf(from, sizeof(from), "%d-01", r->year);
	snprintf(thr, sizeof(thr), "%d-%02d", r->year, r->cum.through);
	summary(r, zh, en, sizeof(zh));
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:s, s:o, "
	    "s:{s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:o, s:o}, "
	    "s:{s:s, s:f, s:f, s:i, s:i}, s:s, s:s}",
	    "sensor", s->name, "site", s->site,
	    "parameter", gb3838_param_name(s->parameter),
	    "unit", s->unit_label,
	    "water_body", gb3838_water_name(s->water_body), "year", r->year,
	    "months", json_months(r),
	    "target_class", gb3838_class_name(s->target_class),
	    "limit", report_jnum(r->limit, -1),
	    "cumulative", "from", from, "through", thr,
	    "mean", report_jnum(r->cum.mean, s->decimals),
	    "class", report_jclass(r->cls),
	    "previous_mean", report_jnum(r->pcum.mean, s->decimals),
	    "yoy_pct", report_jnum(r->yoy, 1), "months_valid", r->cum.nmonths,
	    "times_over", report_jnum(r->multiple, 2),
	    "target_times_over", report_jnum(r->tmultiple, 2),
	    "rules", "timezone", c->timezone ? c->timezone : "UTC",
	    "day_min_fraction", r->rules.day_min_fraction,
	    "month_min_fraction", r->rules.month_min_fraction,
	    "expected_per_day", r->rules.expected,
	    "need_per_day", report_need(r->rules.expected,
	    r->rules.day_min_fraction),
	    "summary_zh", zh, "summary_en", en);
	if (isnan(r->mean)) {
		absent_reason(r, zh, sizeof(zh));
		json_object_set_new(json_object_get(j, "cumulative"), "reason",
		    json_string(zh));
	}
	json_object_set_new(json_object_get(j, "cumulative"), "yoy_months",
	    json_months_of(r->year, r->ymask));
	json_object_set_new(j, "ytd", report_ytd_json(r));
	json_rates(json_object_get(j, "cumulative"), r, 1, r->cum.through);
	return j;
}

void
report_csv_num(FILE *fp, double v, int d)
{
	if (isfinite(v))
		fprintf(fp, ",%.*f", d, gb3838_round(v, d));
	else
		fputc(',', fp);
}

json_t *
report_ytd_json(const struct rp_sensor *r)
{
	const struct ytd *y = &r->ytd;
	char ym[16];

	snprintf(ym, sizeof(ym), "%d-%02d", r->year, r->ytd_current);
	return json_pack("{s:o, s:i, s:i, s:o, s:o, s:o}",
	    "mean", report_jnum(y->mean, r->s->decimals),
	    "months_used", y->months_used,
	    "remaining_months", y->remaining,
	    "required_mean", report_jnum(y->required, -1),
	    "reachable", y->reachable < 0 ? json_null() :
	    json_boolean(y->reachable),
	    "current_month", r->ytd_current ? json_string(ym) : json_null());
}

/*
 * The row "2026 ytd": the year-to-date mean, the months used, and in the
 * note the required mean in words (report_ytd_text).
 */
static void
ytd_csv(const struct rp_sensor *r, FILE *fp)
{
	char note[256];

	report_ytd_text(r, note, sizeof(note));
	fprintf(fp, "%d ytd", r->year);
	report_csv_num(fp, r->ytd.mean, r->s->decimals);
	fprintf(fp, ",,,%d,,,,,,,\"%s\"\n", r->ytd.months_used > 0, note);
}

/* ",95.0,91.7": the rates of months FROM..THROUGH; empty if manual. */
static void
csv_rates(const struct rp_sensor *r, int from, int through, FILE *fp)
{
	struct rp_rate rt;

	report_rates(r->m, from, through, &rt);
	report_csv_num(fp, report_rate(rt.obtained, rt.expected), 1);
	report_csv_num(fp, report_rate(rt.valid, rt.expected), 1);
}

void
report_csv(const struct rp_sensor *r, FILE *fp)
{
	const struct conf_sensor *s = r->s;
	const struct rp_month *m;
	char note[160];
	int i, c, d = s->decimals;

	fprintf(fp, "period,mean,valid_days,days,valid,class,times_over,"
	    "yoy_pct,target_times_over,capture_rate,valid_rate,note\n");
	for (i = 0; i < r->cum.through; i++) {
		m = &r->m[i];
		fprintf(fp, "%d-%02d", r->year, m->month);
		report_csv_num(fp, m->mean, d);
		c = report_month_class(r, m);
		fprintf(fp, ",%d,%d,%d,%s", m->valid_days, m->days, m->valid,
		    c ? gb3838_class_name(c) : "");
		report_csv_num(fp, report_multiple(s, m->mean), 2);
		fputc(',', fp);
		report_csv_num(fp, report_target_multiple(s, m->mean), 2);
		csv_rates(r, i + 1, i + 1, fp);
		fprintf(fp, ",%s\n", isnan(m->mean) ? "no valid day" :
		    !m->valid ? "too few valid days: not counted" : "");
	}
	fprintf(fp, "%d-01..%d-%02d", r->year, r->year, r->cum.through);
	report_csv_num(fp, r->cum.mean, d);
	fprintf(fp, ",,,%d,%s", r->cum.nmonths > 0, r->cls ?
	    gb3838_class_name(r->cls) : "");
	report_csv_num(fp, r->multiple, 2);
	report_csv_num(fp, r->yoy, 1);
	report_csv_num(fp, r->tmultiple, 2);
	csv_rates(r, 1, r->cum.through, fp);
	note[0] = '\0';
	if (isnan(r->mean))
		absent_reason(r, note, sizeof(note));
	fprintf(fp, ",%s\n%d-01..%d-%02d", note, r->year - 1, r->year - 1,
	    r->cum.through);
	report_csv_num(fp, r->pcum.mean, d);
	fprintf(fp, ",,,%d,,,,,,,%s\n", r->pcum.nmonths > 0,
	    r->pcum.nmonths > 0 ? "" : "no valid month");
	ytd_csv(r, fp);
}

/* ---- a site: single-factor assessment --------------------------------- */

/*
 * The main pollutants (主要污染指标), the method's way: "高锰酸盐指数
 * (0.05)、溶解氧" / "CODMn (0.05 times over Class III), DO" (OVER_EN
 * follows the English multiple); water temperature, pH and DO carry no
 * multiple. Empty when there are none.
 */
void
report_site_pollutants(const struct rp_site *st, const char *over_en,
    char *zh, char *en, size_t len)
{
	struct rp_pollutant p[REPORT_MAIN_MAX];
	size_t i, n, nz = 0, ne = 0;
	enum parameter q;

	zh[0] = en[0] = '\0';
	n = report_main_pollutants(st, p);
	for (i = 0; i < n && nz < len && ne < len; i++) {
		q = p[i].r->s->parameter;
		nz += snprintf(zh + nz, len - nz, "%s%s", nz ? "、" : "",
		    report_param_zh(q));
		ne += snprintf(en + ne, len - ne, "%s%s", ne ? ", " : "",
		    gb3838_param_label(q));
		if (isnan(p[i].times_over) || nz >= len || ne >= len)
			continue;
		nz += snprintf(zh + nz, len - nz, "（%.2f）", p[i].times_over);
		ne += snprintf(en + ne, len - ne, " (%.2f%s)", p[i].times_over,
		    over_en);
	}
}

static void
site_summary(const struct rp_site *st, char *zh, char *en, size_t len)
{
	char sz[32], se[32], pz[256], pe[256], tz[64] = "", te[64] = "";

	report_span_zh(1, st->through, sz, sizeof(sz));
	report_span_en(1, st->through, se, sizeof(se));
	report_site_pollutants(st, REPORT_OVER_EN, pz, pe, sizeof(pz));
	if (st->tn) {
		snprintf(tz, sizeof(tz), "；总氮单独评价为%s",
		    gb3838_class_name_zh(st->tn));
		snprintf(te, sizeof(te), "; TN assessed separately: Class %s",
		    gb3838_class_name(st->tn));
	}
	snprintf(zh, len, "%s %s水质%s（单因子评价）%s%s%s", st->site, sz,
	    st->cls ? gb3838_class_name_zh(st->cls) : "无法评价",
	    pz[0] ? "，主要污染指标：" : "", pz, tz);
	snprintf(en, len, "%s %s: Class %s (single-factor)%s%s%s", st->site,
	    se, st->cls ? gb3838_class_name(st->cls) : "-",
	    pe[0] ? "; main pollutants: " : "", pe, te);
}

/* "TP, NH3-N": the assessed parameters of class CLS. */
void
report_site_deciders(const struct rp_site *st, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < st->n && n < len; i++)
		if (report_site_assessed(&st->r[i]) && st->r[i].cls == st->cls)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
			    gb3838_param_label(st->r[i].s->parameter));
}

static void
site_row(const struct rp_sensor *r, FILE *fp)
{
	char over[160], yoy[16] = "-", cap[16];
	struct rp_rate rt;

	over_text(r->s, r->cum.mean, over, sizeof(over));
	if (!isnan(r->yoy))
		snprintf(yoy, sizeof(yoy), "%+.1f%%", r->yoy);
	report_rates(r->m, r->cum.from, r->cum.through, &rt);
	report_pct(report_rate(rt.obtained, rt.expected), cap, sizeof(cap));
	if (isnan(r->mean)) {
		absent_reason(r, over, sizeof(over));
		fprintf(fp, "%-12s %-16s %12s %-6s %-6s %8s %9s  %s: not "
		    "assessed\n", gb3838_param_label(r->s->parameter),
		    r->s->name, "–", r->s->unit_label, "-", yoy, cap, over);
		return;
	}
	fprintf(fp, "%-12s %-16s %10.*f %-6s %-6s %8s %9s",
	    gb3838_param_label(r->s->parameter), r->s->name, r->s->decimals,
	    r->mean, r->s->unit_label, r->cls ? gb3838_class_name(r->cls) :
	    "-", yoy, cap);
	if (!r->cls)
		fprintf(fp, "  no class: not assessed");
	else if (!report_site_assessed(r))
		fprintf(fp, "  assessed separately");
	else if (over[0])
		fprintf(fp, "  %s", over);
	fputc('\n', fp);
}

/* The year-to-date risk of each assessed parameter of ST's period. */
static void
site_ytd_text(const struct rp_site *st, FILE *fp)
{
	char buf[512];
	size_t i;
	int n = 0;

	for (i = 0; i < st->n; i++) {
		if (!report_site_assessed(&st->r[i]) &&
		    st->r[i].s->parameter != PARAM_TN)
			continue;
		report_ytd_text(&st->r[i], buf, sizeof(buf));
		fprintf(fp, "%s%s %s\n", n++ ? "" : "\n",
		    gb3838_param_label(st->r[i].s->parameter), buf);
	}
}

void
report_site_text(const struct rp_site *st, FILE *fp)
{
	char span[32], zh[1024], en[1024], by[128];
	size_t i;

	report_span_en(1, st->through, span, sizeof(span));
	fprintf(fp, "%s  single-factor assessment, %s %d\n\n%-12s %-16s "
	    "%10s %-6s %-6s %8s %9s\n", st->site, span, st->year, "parameter",
	    "sensor", "mean", "unit", "class", "yoy", "capture");
	for (i = 0; i < st->n; i++)
		site_row(&st->r[i], fp);
	report_site_deciders(st, by, sizeof(by));
	if (st->cls) {
		fprintf(fp, "\nsite class: %s (decided by %s)\n",
		    gb3838_class_name(st->cls), by);
		report_site_pollutants(st, REPORT_OVER_EN, zh, en,
		    sizeof(zh));
		fprintf(fp, "main pollutants (主要污染指标): %s\n", en[0] ? en :
		    "none (the site meets Class III)");
	} else
		fprintf(fp, "\nsite class: - (no assessed parameter)\n");
	site_ytd_text(st, fp);
	report_site_tli_text(st, fp);
	site_summary(st, zh, en, sizeof(zh));
	fprintf(fp, "\n%s\n%s\n", zh, en);
}

/* [{parameter, class, times_over|null}], worst first; [] if none. */
json_t *
report_json_pollutants(const struct rp_site *st)
{
	struct rp_pollutant p[REPORT_MAIN_MAX];
	json_t *a = json_array();
	size_t i, n = report_main_pollutants(st, p);

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:o, s:o}",
		    "parameter", gb3838_param_name(p[i].r->s->parameter),
		    "class", report_jclass(p[i].cls),
		    "times_over", report_jnum(p[i].times_over, 2)));
	return a;
}

/* The parameters of ST, each over its period (r->cum). */
static json_t *
site_params_json(const struct rp_site *st)
{
	const struct rp_sensor *r;
	json_t *a = json_array();
	char zh[1024];
	size_t i;

	for (i = 0; i < st->n; i++) {
		r = &st->r[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o, s:o, "
		    "s:o, s:b, s:o}", "sensor", r->s->name, "parameter",
		    gb3838_param_name(r->s->parameter),
		    "mean", report_jnum(r->cum.mean, r->s->decimals),
		    "class", report_jclass(r->cls),
		    "previous_mean", report_jnum(r->pcum.mean, r->s->decimals),
		    "yoy_pct", report_jnum(r->yoy, 1),
		    "assessed", report_site_assessed(r),
		    "times_over", report_jnum(r->multiple, 2)));
		json_object_set_new(json_array_get(a, i), "target_times_over",
		    report_jnum(r->tmultiple, 2));
		json_rates(json_array_get(a, i), r, r->cum.from,
		    r->cum.through);
		if (isnan(r->mean)) {
			absent_reason(r, zh, sizeof(zh));
			json_object_set_new(json_array_get(a, i), "reason",
			    json_string(zh));
		}
	}
	return a;
}

/* months[]: {month, class, main_pollutants, tn_class, parameters, tli}. */
static json_t *
site_months_json(const struct rp_site *st)
{
	struct rp_sensor *buf;
	struct rp_site ms;
	json_t *a = json_array();
	char ym[16];
	int k;

	if ((buf = calloc(st->n + 1, sizeof(*buf))) == NULL)
		fatal("report");
	for (k = 1; k <= st->through; k++) {
		report_site_month(st, k, &ms, buf);
		snprintf(ym, sizeof(ym), "%d-%02d", st->year, k);
		json_array_append_new(a, json_pack("{s:s, s:o, s:o, s:o, s:o}",
		    "month", ym, "class", report_jclass(ms.cls),
		    "main_pollutants", report_json_pollutants(&ms),
		    "tn_class", report_jclass(ms.tn),
		    "parameters", site_params_json(&ms)));
		report_tli_json(&ms, json_array_get(a, (size_t)k - 1));
	}
	free(buf);
	return a;
}

json_t *
report_site_json(const struct rp_site *st)
{
	json_t *a = site_params_json(st), *j;
	char zh[1024], en[1024], from[16], thr[16];
	size_t i;

	snprintf(from, sizeof(from), "%d-01", st->year);
	snprintf(thr, sizeof(thr), "%d-%02d", st->year, st->through);
	site_summary(st, zh, en, sizeof(zh));
	j = json_pack("{s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:s, "
	    "s:s}", "site", st->site, "year", st->year, "from", from,
	    "through", thr, "parameters", a, "class", report_jclass(st->cls),
	    "main_pollutants", report_json_pollutants(st),
	    "tn_class", report_jclass(st->tn), "summary_zh", zh,
	    "summary_en", en);
	json_object_set_new(j, "months", site_months_json(st));
	report_tli_json(st, j);
	for (i = 0; i < st->n; i++)	/* the period's year-to-date risk */
		json_object_set_new(json_array_get(a, i), "ytd",
		    report_ytd_json(&st->r[i]));
	return j;
}
