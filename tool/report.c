/*
 * report.c: the bulletin statistics of `lakewatch report` and the
 * dashboard: daily, monthly and cumulative means from the sample log,
 * GB 3838 classes, year on year, a site's single-factor class. The
 * rules are in report.h; the words and tables are report_out.c, the
 * command report_cmd.c.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "../lib/sampleday.h"
#include "../lib/samplelog.h"
#include "../lib/util.h"
#include "report.h"

/* ---- pure statistics ------------------------------------------------ */

double
report_rate(long n, long expected)
{
	return expected > 0 ? 100.0 * (double)n / (double)expected : NAN;
}

void
report_rates(const struct rp_month m[12], int from, int through,
    struct rp_rate *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	for (i = from; i <= through; i++) {
		out->expected += m[i - 1].expected;
		out->obtained += m[i - 1].obtained;
		out->valid += m[i - 1].valid_rows;
	}
}

unsigned
report_common_months(const struct rp_month a[12],
    const struct rp_month b[12], int through)
{
	unsigned mask = 0;
	int i;

	for (i = 0; i < through && i < 12; i++)
		if (a[i].valid && b[i].valid)
			mask |= 1u << i;
	return mask;
}

double
report_mask_mean(const struct rp_month m[12], unsigned mask)
{
	double sum = 0;
	int i, n = 0;

	for (i = 0; i < 12; i++)
		if (mask & (1u << i)) {
			sum += m[i].mean;
			n++;
		}
	return n ? sum / n : NAN;
}

double
report_yoy(double cur, double prev, int decimals)
{
	if (!isfinite(cur) || !isfinite(prev))
		return NAN;
	cur = gb3838_round(cur, decimals);
	prev = gb3838_round(prev, decimals);
	if (prev == 0)
		return NAN;
	return (cur - prev) / prev * 100;
}

/*
 * The 2011 method (环办〔2011〕22号) counts 超标率 and 超标倍数 against
 * the Class III standard whatever the section's target: "超标倍数 =
 * (某指标的浓度值 - 该指标的Ⅲ类水质标准) / 该指标的Ⅲ类水质标准" and
 * "水温、pH值和溶解氧等项目不计算超标倍数" (the wording as it is commonly
 * cited, and as DOMAIN.md 1.2 gives it in English: not confirmed here;
 * the stored copy of the method showed us only its notice and table of
 * contents. A study applying it confirms the base: "超标率和超标倍数计算
 * 依据《地表水环境质量标准》Ⅲ类标准"). The multiple against the target
 * class is the operator's figure, reported beside it.
 */
static double
multiple_vs(const struct conf_sensor *s, double value, int cls)
{
	double lim;

	if (gb3838_direction(s->parameter) <= 0 ||
	    gb3838_limit(s->parameter, s->water_body, cls, &lim) == -1 ||
	    !isfinite(value))
		return NAN;
	value = gb3838_round(value, s->decimals);
	if (!gb3838_exceeds(s->parameter, s->water_body, cls, value,
	    s->decimals))
		return 0;
	return (value - lim) / lim;
}

double
report_multiple(const struct conf_sensor *s, double value)
{
	return multiple_vs(s, value, 3);
}

double
report_target_multiple(const struct conf_sensor *s, double value)
{
	return multiple_vs(s, value, s->target_class);
}

/* ---- time --------------------------------------------------------- */

int
report_tz(const char *tz, char err[LW_ERRLEN])
{
	char path[PATH_MAX];

	if (tz == NULL || tz[0] == '\0')
		tz = "UTC0";
	else if (tz_path(tz, path, sizeof(path)) == 1) {
		if (access(path, R_OK) == -1) {
			snprintf(err, LW_ERRLEN, "timezone '%s': %s (is tzdata "
			    "installed?)", tz, strerror(errno));
			return -1;
		}
	}
	if (setenv("TZ", tz, 1) == -1) {
		snprintf(err, LW_ERRLEN, "setenv TZ: %s", strerror(errno));
		return -1;
	}
	tzset();
	return 0;
}

/* ---- one sensor's report -------------------------------------------- */

static int
load_months(const struct conf *c, struct rp_sensor *r, int year,
    struct rp_month m[12], char err[LW_ERRLEN])
{
	struct rp_year *y;
	int i, rc;

	if ((y = malloc(sizeof(*y))) == NULL)
		fatal("report");
	rc = report_load(c, r->s->name, year, y, err);
	for (i = 0; rc == 0 && i < 12; i++)
		report_month(y, i + 1, &r->rules, &m[i]);
	free(y);
	return rc;
}

/* Load the year and the one before; find the last month with data. */
int
report_sensor_load(const struct conf *c, const struct conf_sensor *s,
    int year, struct rp_sensor *r, char err[LW_ERRLEN])
{
	int i;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->year = year;
	r->rules = report_rules(s);
	if (load_months(c, r, year, r->m, err) == -1 ||
	    load_months(c, r, year - 1, r->pm, err) == -1)
		return -1;
	for (i = 0; i < 12; i++)
		if (!isnan(r->m[i].mean))
			r->last = i + 1;
	return 0;
}

/* The cumulative figures from January through THROUGH. */
void
report_sensor_sum(struct rp_sensor *r, int through)
{
	const struct conf_sensor *s = r->s;

	report_cumulative(r->m, 1, through, &r->cum);
	report_cumulative(r->pm, 1, through, &r->pcum);
	r->mean = gb3838_round(r->cum.mean, s->decimals);
	r->pmean = gb3838_round(r->pcum.mean, s->decimals);
	r->ymask = report_common_months(r->m, r->pm, through);
	r->yoy = report_yoy(report_mask_mean(r->m, r->ymask),
	    report_mask_mean(r->pm, r->ymask), s->decimals);
	r->cls = gb3838_class(s->parameter, s->water_body, r->cum.mean,
	    s->decimals);
	r->multiple = report_multiple(s, r->cum.mean);
	r->tmultiple = report_target_multiple(s, r->cum.mean);
	if (gb3838_limit(s->parameter, s->water_body, s->target_class,
	    &r->limit) == -1)
		r->limit = NAN;
}

int
report_month_class(const struct rp_sensor *r, const struct rp_month *m)
{
	return gb3838_class(r->s->parameter, r->s->water_body, m->mean,
	    r->s->decimals);
}

/* 1 if valid month M met the target class. */
int
report_month_met(const struct rp_sensor *r, const struct rp_month *m)
{
	int c = report_month_class(r, m);

	return m->valid && c != 0 && c <= r->s->target_class;
}

/* ---- a site: single-factor assessment --------------------------------- */

/* 1 if R counts for the site's class (TN of lakes is assessed apart). */
int
report_site_assessed(const struct rp_sensor *r)
{
	return r->cls != 0 && !(r->s->parameter == PARAM_TN &&
	    r->s->water_body == WATER_LAKE);
}

void
report_site_judge(struct rp_site *st)
{
	struct rp_sensor *r;
	size_t i;

	for (i = 0; i < st->n; i++) {
		r = &st->r[i];
		report_sensor_sum(r, st->through);
		if (report_site_assessed(r) && r->cls > st->cls)
			st->cls = r->cls;
		else if (r->cls && r->s->parameter == PARAM_TN &&
		    r->cls > st->tn)
			st->tn = r->cls;
	}
}

void
report_sensor_month(const struct rp_sensor *r, int month,
    struct rp_sensor *out)
{
	const struct conf_sensor *s = r->s;
	unsigned bit = 1u << (month - 1);

	*out = *r;
	report_cumulative(r->m, month, month, &out->cum);
	report_cumulative(r->pm, month, month, &out->pcum);
	out->mean = gb3838_round(out->cum.mean, s->decimals);
	out->pmean = gb3838_round(out->pcum.mean, s->decimals);
	out->ymask = report_common_months(r->m, r->pm, month) & bit;
	out->yoy = out->ymask ? report_yoy(out->cum.mean, out->pcum.mean,
	    s->decimals) : NAN;
	out->cls = gb3838_class(s->parameter, s->water_body, out->cum.mean,
	    s->decimals);
	out->multiple = report_multiple(s, out->cum.mean);
	out->tmultiple = report_target_multiple(s, out->cum.mean);
}

void
report_site_month(const struct rp_site *st, int month, struct rp_site *out,
    struct rp_sensor *buf)
{
	struct rp_sensor *r;
	size_t i;

	*out = *st;
	out->r = buf;
	out->through = month;
	out->cls = out->tn = 0;
	for (i = 0; i < st->n; i++) {
		r = &buf[i];
		report_sensor_month(&st->r[i], month, r);
		if (report_site_assessed(r) && r->cls > out->cls)
			out->cls = r->cls;
		else if (r->cls && r->s->parameter == PARAM_TN &&
		    r->cls > out->tn)
			out->tn = r->cls;
	}
}

/* 1 if A goes before B: worse class, then more times over (DO last). */
static int
pollutant_before(const struct rp_pollutant *a, const struct rp_pollutant *b)
{
	if (a->cls != b->cls)
		return a->cls > b->cls;
	if (isnan(b->times_over))
		return !isnan(a->times_over);
	return !isnan(a->times_over) && a->times_over > b->times_over;
}

/*
 * 环办〔2011〕22号, 主要污染指标的确定 (the wording as commonly cited;
 * not confirmed here: the stored copy of the method showed us only its
 * notice and table of contents): "断面水质超过Ⅲ类标准时，先按照不同指标对应水质类别的优劣，
 * 选择水质类别最差的前三项指标作为主要污染指标。当不同指标对应的水质
 * 类别相同时计算超标倍数，将超标指标按其超标倍数大小排列，取超标倍数
 * 最大的前三项为主要污染指标" and "对于水温、pH值和溶解氧等项目不计算
 * 超标倍数". Where a parameter without a multiple (DO, pH) ties with one
 * that has it, we put it after: the method does not say (our choice).
 */
size_t
report_main_pollutants(const struct rp_site *st,
    struct rp_pollutant out[REPORT_MAIN_MAX])
{
	struct rp_pollutant p;
	size_t i, j, n = 0;

	if (st->cls <= 3)
		return 0;
	for (i = 0; i < st->n; i++) {
		if (!report_site_assessed(&st->r[i]) || st->r[i].cls <= 3)
			continue;
		p = (struct rp_pollutant){ &st->r[i], st->r[i].cls,
		    st->r[i].multiple };
		for (j = n; j > 0 && pollutant_before(&p, &out[j - 1]); j--)
			if (j < REPORT_MAIN_MAX)
				out[j] = out[j - 1];
		if (j < REPORT_MAIN_MAX)
			out[j] = p;
		if (n < REPORT_MAIN_MAX)
			n++;
	}
	return n;
}

/* ---- the year-to-date risk (issue 12, item 10) ------------------------ */

void
report_ytd(struct rp_sensor *r, int through, int current)
{
	double sum;
	int k = report_ytd_months(r->m, through, current, &sum,
	    &r->ytd_current);

	ytd_project(sum, k, 12 - through, r->limit,
	    gb3838_direction(r->s->parameter), r->s->decimals, &r->ytd);
}

int
report_current_month(int year, time_t now)
{
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL || tm.tm_year + 1900 != year)
		return 0;
	return tm.tm_mon + 1;
}
