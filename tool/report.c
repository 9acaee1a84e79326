/*
 * report.c: `lakewatch report`: daily, monthly and cumulative means from
 * the sample log, GB 3838 classes, year on year, a bulletin sentence;
 * and the sample-log reading shared with import, graph and dashboard.
 * The rules are in report.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "../lib/samplelog.h"
#include "../lib/util.h"
#include "report.h"
#include "tool.h"


static const char *const mon_en[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* ---- pure statistics ------------------------------------------------ */

int
report_flag_valid(char flag)
{
	return flag == 'N' || flag == 'S';
}

int
report_expected(const struct conf_sensor *s)
{
	double every = s->cycle > 0 ? s->cycle : s->interval;
	int n;

	if (every <= 0)
		return 1;
	n = (int)floor(86400.0 / every + 1e-9);
	return n < 1 ? 1 : n;
}

int
report_need(int n, double f)
{
	int k = (int)ceil(n * (f - 0.0005) - 1e-9);

	return k < 1 ? 1 : k;
}

double
report_day_mean(const struct rp_day *d, const struct rp_rules *r)
{
	if (d->nvalid == 0 ||
	    d->nvalid < report_need(r->expected, r->day_min_fraction))
		return NAN;
	return d->sum / d->nvalid;
}

int
report_yday(int year, int month)
{
	int m, d = 0;

	for (m = 1; m < month; m++)
		d += days_in_month(year, m);
	return d;
}

void
report_month(const struct rp_year *y, int month, const struct rp_rules *r,
    struct rp_month *m)
{
	int i, first = report_yday(y->year, month);
	double sum = 0, dm;

	memset(m, 0, sizeof(*m));
	m->month = month;
	m->days = days_in_month(y->year, month);
	m->need_days = report_need(m->days, r->month_min_fraction);
	for (i = first; i < first + m->days; i++) {
		m->lost += y->day[i].nlost;
		dm = report_day_mean(&y->day[i], r);
		if (isnan(dm))
			continue;
		sum += dm;
		m->valid_days++;
		m->samples += y->day[i].nvalid;
	}
	m->mean = m->valid_days ? sum / m->valid_days : NAN;
	m->valid = m->valid_days >= m->need_days;
}

void
report_cumulative(const struct rp_month m[12], int from, int through,
    struct rp_cum *out)
{
	double sum = 0;
	int i;

	out->from = from;
	out->through = through;
	out->nmonths = 0;
	for (i = from; i <= through; i++) {
		if (!m[i - 1].valid)
			continue;
		sum += m[i - 1].mean;
		out->nmonths++;
	}
	out->mean = out->nmonths ? sum / out->nmonths : NAN;
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

double
report_multiple(const struct conf_sensor *s, double value)
{
	double lim;

	if (gb3838_direction(s->parameter) <= 0 ||
	    gb3838_limit(s->parameter, s->water_body, s->target_class,
	    &lim) == -1 || !isfinite(value))
		return NAN;
	value = gb3838_round(value, s->decimals);
	if (!gb3838_exceeds(s->parameter, s->water_body, s->target_class,
	    value, s->decimals))
		return 0;
	return (value - lim) / lim;
}

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

const char *
report_param_zh(enum parameter p)
{
	static const char *const n[PARAM_COUNT] = {
		[PARAM_TP] = "总磷", [PARAM_TN] = "总氮",
		[PARAM_NH3N] = "氨氮", [PARAM_CODMN] = "高锰酸盐指数",
		[PARAM_DO] = "溶解氧", [PARAM_PH] = "pH",
		[PARAM_TEMP] = "水温", [PARAM_TURBIDITY] = "浊度",
		[PARAM_COND] = "电导率", [PARAM_CHLA] = "叶绿素a",
	};

	return p < PARAM_COUNT && n[p] ? n[p] : "?";
}

/* ---- time --------------------------------------------------------- */

int
report_tz(const char *tz, char err[LW_ERRLEN])
{
	char path[PATH_MAX];
	const char *dir = getenv("TZDIR");

	if (tz == NULL || tz[0] == '\0')
		tz = "UTC0";
	else if (strpbrk(tz, "0123456789") == NULL || strchr(tz, '/')) {
		snprintf(path, sizeof(path), "%s/%s", dir ? dir :
		    "/usr/share/zoneinfo", tz[0] == ':' ? tz + 1 : tz);
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

time_t
report_month_start(int year, int month)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1,
	    .tm_mday = 1, .tm_isdst = -1 };

	return mktime(&tm);
}

int
report_add(struct rp_year *y, const struct samplelog_row *r)
{
	struct tm tm;
	struct rp_day *d;

	if (localtime_r(&r->t, &tm) == NULL || tm.tm_year + 1900 != y->year)
		return 0;
	d = &y->day[tm.tm_yday];
	d->nall++;
	if (report_flag_valid(r->flag) && isfinite(r->value) &&
	    (y->sensor == NULL || conf_plausible(y->sensor, r->value))) {
		d->sum += r->value;
		d->nvalid++;
	}
	return 1;
}

static void
add_row(void *arg, const struct samplelog_row *r)
{
	report_add(arg, r);
}

static void
add_lost(void *arg, time_t first, long rows)
{
	struct rp_year *y = arg;
	struct tm tm;

	if (localtime_r(&first, &tm) != NULL && tm.tm_year + 1900 == y->year)
		y->day[tm.tm_yday].nlost += (int)rows;
}

int
report_load(const struct conf *c, const char *name, int year,
    struct rp_year *y, char err[LW_ERRLEN])
{
	time_t from = report_month_start(year, 1);
	time_t to = report_month_start(year, 13);
	int i = conf_sensor_find(c, name);

	memset(y, 0, sizeof(*y));
	y->year = year;
	y->sensor = i >= 0 ? &c->sensors[i] : NULL;
	if (samplelog_scan_lost(c, name, from, to, add_lost, y, err) == -1)
		return -1;
	return samplelog_scan(c, name, from, to, add_row, y, err);
}

/* ---- one sensor's report -------------------------------------------- */

/* Everything a sensor's report says. */
struct rp_sensor {
	const struct conf_sensor *s;
	int		 year;
	struct rp_rules	 rules;
	struct rp_month	 m[12], pm[12];	/* this year, the year before */
	struct rp_cum	 cum, pcum;
	double		 mean, pmean;	/* rounded; NAN if none */
	double		 yoy;		/* % */
	double		 multiple;	/* of the cumulative mean */
	double		 limit;		/* of the target class; NAN none */
	int		 cls;		/* of the cumulative mean */
	int		 last;		/* last month with a mean, 0 none */
};

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
static int
sensor_load(const struct conf *c, const struct conf_sensor *s, int year,
    struct rp_sensor *r, char err[LW_ERRLEN])
{
	int i;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->year = year;
	r->rules = (struct rp_rules){ report_expected(s),
	    c->day_min_fraction, c->month_min_fraction };
	if (load_months(c, r, year, r->m, err) == -1 ||
	    load_months(c, r, year - 1, r->pm, err) == -1)
		return -1;
	for (i = 0; i < 12; i++)
		if (!isnan(r->m[i].mean))
			r->last = i + 1;
	return 0;
}

/* The cumulative figures from January through THROUGH. */
static void
sensor_sum(struct rp_sensor *r, int through)
{
	const struct conf_sensor *s = r->s;

	report_cumulative(r->m, 1, through, &r->cum);
	report_cumulative(r->pm, 1, through, &r->pcum);
	r->mean = gb3838_round(r->cum.mean, s->decimals);
	r->pmean = gb3838_round(r->pcum.mean, s->decimals);
	r->yoy = report_yoy(r->cum.mean, r->pcum.mean, s->decimals);
	r->cls = gb3838_class(s->parameter, s->water_body, r->cum.mean,
	    s->decimals);
	r->multiple = report_multiple(s, r->cum.mean);
	if (gb3838_limit(s->parameter, s->water_body, s->target_class,
	    &r->limit) == -1)
		r->limit = NAN;
}

static int
month_class(const struct rp_sensor *r, const struct rp_month *m)
{
	return gb3838_class(r->s->parameter, r->s->water_body, m->mean,
	    r->s->decimals);
}

/* 1 if valid month M met the target class. */
static int
month_met(const struct rp_sensor *r, const struct rp_month *m)
{
	int c = month_class(r, m);

	return m->valid && c != 0 && c <= r->s->target_class;
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

	while (k < through && month_met(r, &r->m[k]))
		k++;
	for (i = 0; i < through; i++)
		any += month_met(r, &r->m[i]);
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
		if (!month_met(r, &r->m[i]))
			continue;
		nz += snprintf(zh + nz, len - nz, "%s%d", nz ? "、" : "",
		    i + 1);
		ne += snprintf(en + ne, len - ne, "%s%s", ne ? ", " : "",
		    mon_en[i]);
	}
	snprintf(zh + nz, len - nz, "月达到%s", tz);
	snprintf(en + ne, len - ne, " met Class %s", te);
}

/* "同比下降28%" / "−28 % year on year"; empty when there is none. */
static void
yoy_clause(double yoy, char *zh, char *en, size_t len)
{
	long p = lround(yoy);

	if (isnan(yoy)) {
		zh[0] = en[0] = '\0';
		return;
	}
	if (p == 0) {
		snprintf(zh, len, "，同比持平");
		snprintf(en, len, ", unchanged year on year");
		return;
	}
	snprintf(zh, len, "，同比%s%ld%%", p < 0 ? "下降" : "上升", labs(p));
	snprintf(en, len, ", %s%ld %% year on year", p < 0 ? "−" : "+",
	    labs(p));
}

/* The bulletin sentence, in Chinese and in English. */
static void
summary(const struct rp_sensor *r, char *zh, char *en, size_t len)
{
	const struct conf_sensor *s = r->s;
	char sz[32], se[32], yz[64], ye[64], mz[160], me[160];

	report_span_zh(1, r->cum.through, sz, sizeof(sz));
	report_span_en(1, r->cum.through, se, sizeof(se));
	if (isnan(r->mean)) {
		snprintf(zh, len, "%s %s%s无有效月均值", s->site, sz,
		    report_param_zh(s->parameter));
		snprintf(en, len, "%s %s: no valid monthly mean for %s",
		    s->site, gb3838_param_label(s->parameter), se);
		return;
	}
	yoy_clause(r->yoy, yz, ye, sizeof(yz));
	if (r->cls == 0) {
		snprintf(zh, len, "%s %s%s均值%.*f %s%s", s->site, sz,
		    report_param_zh(s->parameter), s->decimals, r->mean,
		    s->unit_label, yz);
		snprintf(en, len, "%s %s %s mean %.*f %s%s", s->site,
		    gb3838_param_label(s->parameter), se, s->decimals,
		    r->mean, s->unit_label, ye);
		return;
	}
	met_clause(r, mz, me, sizeof(mz));
	snprintf(zh, len, "%s %s%s均值%.*f %s%s，%s；%s", s->site, sz,
	    report_param_zh(s->parameter), s->decimals, r->mean,
	    s->unit_label, yz, gb3838_class_name_zh(r->cls), mz);
	snprintf(en, len, "%s %s %s mean %.*f %s%s, Class %s; %s", s->site,
	    gb3838_param_label(s->parameter), se, s->decimals, r->mean,
	    s->unit_label, ye, gb3838_class_name(r->cls), me);
}

/* "0.08 times over" or "" into BUF. */
static void
over_text(double mult, char *buf, size_t len)
{
	if (isfinite(mult) && mult > 0)
		snprintf(buf, len, "%.2f times over", mult);
	else
		buf[0] = '\0';
}

static void
text_month(const struct rp_sensor *r, const struct rp_month *m, FILE *fp)
{
	const struct conf_sensor *s = r->s;
	char over[40], mean[32];
	int c = month_class(r, m);

	if (isnan(m->mean)) {
		fprintf(fp, "%d-%02d  %10s  %5d/%-5d  %-6s  no valid day\n",
		    r->year, m->month, "-", 0, m->days, "-");
	} else {
		snprintf(mean, sizeof(mean), "%.*f", s->decimals,
		    gb3838_round(m->mean, s->decimals));
		over_text(report_multiple(s, m->mean), over, sizeof(over));
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
	fprintf(fp, "days in %s; a day counts with >= %d of %d valid samples "
	    "(day_min_fraction %g),\na month with >= %g of its days valid "
	    "(month_min_fraction); cumulative = mean of valid months\n\n",
	    c->timezone ? c->timezone : "UTC",
	    report_need(r->rules.expected, r->rules.day_min_fraction),
	    r->rules.expected, r->rules.day_min_fraction,
	    r->rules.month_min_fraction);
	fprintf(fp, "%-7s  %10s  %11s  %-6s  %s\n", "month", "mean",
	    "valid days", "class", "vs target");
}

static void
print_text(const struct conf *c, const struct rp_sensor *r, FILE *fp)
{
	const struct conf_sensor *s = r->s;
	char span[32], over[40], zh[512], en[512];
	int i;

	text_head(c, r, fp);
	for (i = 0; i < r->cum.through; i++)
		text_month(r, &r->m[i], fp);
	report_span_en(1, r->cum.through, span, sizeof(span));
	over_text(r->multiple, over, sizeof(over));
	fprintf(fp, "\n%s %d   mean %.*f %s  Class %s  %s(%d valid months)\n",
	    span, r->year, s->decimals, r->mean, s->unit_label,
	    gb3838_class_name(r->cls), over[0] ? strcat(over, "  ") : "",
	    r->cum.nmonths);
	if (!isnan(r->pmean))
		fprintf(fp, "%s %d   mean %.*f %s  Class %s  (%d valid "
		    "months)\n", span, r->year - 1, s->decimals, r->pmean,
		    s->unit_label, gb3838_class_name(gb3838_class(s->parameter,
		    s->water_body, r->pcum.mean, s->decimals)),
		    r->pcum.nmonths);
	if (!isnan(r->yoy))
		fprintf(fp, "year on year: %s%.1f %%\n", r->yoy < 0 ? "−" :
		    "+", fabs(r->yoy));
	else
		fprintf(fp, "year on year: no data for %d\n", r->year - 1);
	summary(r, zh, en, sizeof(zh));
	fprintf(fp, "\n%s\n%s\n", zh, en);
}

/* A number rounded to D decimals, or null. */
static json_t *
jnum(double v, int d)
{
	return isfinite(v) ? json_real(d >= 0 ? gb3838_round(v, d) : v) :
	    json_null();
}

static json_t *
jclass(int c)
{
	return c ? json_string(gb3838_class_name(c)) : json_null();
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
		    "mean", jnum(m->mean, r->s->decimals),
		    "valid_days", m->valid_days,
		    "class", jclass(month_class(r, m)),
		    "days", m->days, "need_days", m->need_days,
		    "valid", m->valid,
		    "times_over", jnum(report_multiple(r->s, m->mean), 2),
		    "samples", m->samples, "lost_rows", m->lost));
	}
	return a;
}

static json_t *
json_report(const struct conf *c, const struct rp_sensor *r)
{
	const struct conf_sensor *s = r->s;
	char from[16], thr[16], zh[512], en[512];

	snprintf(from, sizeof(from), "%d-01", r->year);
	snprintf(thr, sizeof(thr), "%d-%02d", r->year, r->cum.through);
	summary(r, zh, en, sizeof(zh));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:s, s:o, "
	    "s:{s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:o}, "
	    "s:{s:s, s:f, s:f, s:i, s:i}, s:s, s:s}",
	    "sensor", s->name, "site", s->site,
	    "parameter", gb3838_param_name(s->parameter),
	    "unit", s->unit_label,
	    "water_body", gb3838_water_name(s->water_body), "year", r->year,
	    "months", json_months(r),
	    "target_class", gb3838_class_name(s->target_class),
	    "limit", jnum(r->limit, -1),
	    "cumulative", "from", from, "through", thr,
	    "mean", jnum(r->cum.mean, s->decimals), "class", jclass(r->cls),
	    "previous_mean", jnum(r->pcum.mean, s->decimals),
	    "yoy_pct", jnum(r->yoy, 1), "months_valid", r->cum.nmonths,
	    "times_over", jnum(r->multiple, 2),
	    "rules", "timezone", c->timezone ? c->timezone : "UTC",
	    "day_min_fraction", c->day_min_fraction,
	    "month_min_fraction", c->month_min_fraction,
	    "expected_per_day", r->rules.expected,
	    "need_per_day", report_need(r->rules.expected,
	    r->rules.day_min_fraction),
	    "summary_zh", zh, "summary_en", en);
}

static void
csv_num(FILE *fp, double v, int d)
{
	if (isfinite(v))
		fprintf(fp, ",%.*f", d, gb3838_round(v, d));
	else
		fputc(',', fp);
}

static void
print_csv(const struct rp_sensor *r, FILE *fp)
{
	const struct conf_sensor *s = r->s;
	const struct rp_month *m;
	int i, d = s->decimals;

	fprintf(fp, "period,mean,valid_days,days,valid,class,times_over,"
	    "yoy_pct\n");
	for (i = 0; i < r->cum.through; i++) {
		m = &r->m[i];
		fprintf(fp, "%d-%02d", r->year, m->month);
		csv_num(fp, m->mean, d);
		fprintf(fp, ",%d,%d,%d,%s", m->valid_days, m->days, m->valid,
		    month_class(r, m) ? gb3838_class_name(month_class(r, m)) :
		    "");
		csv_num(fp, report_multiple(s, m->mean), 2);
		fprintf(fp, ",\n");
	}
	fprintf(fp, "%d-01..%d-%02d", r->year, r->year, r->cum.through);
	csv_num(fp, r->cum.mean, d);
	fprintf(fp, ",,,%d,%s", r->cum.nmonths > 0, r->cls ?
	    gb3838_class_name(r->cls) : "");
	csv_num(fp, r->multiple, 2);
	csv_num(fp, r->yoy, 1);
	fprintf(fp, "\n%d-01..%d-%02d", r->year - 1, r->year - 1,
	    r->cum.through);
	csv_num(fp, r->pcum.mean, d);
	fprintf(fp, ",,,%d,,,\n", r->pcum.nmonths > 0);
}

enum rp_format { RP_TEXT, RP_JSON, RP_CSV };

struct rp_opts {
	const char	*file;
	const char	*sensor;
	const char	*site;
	int		 year;
	int		 through;	/* 0: the last month with data */
	enum rp_format	 format;
};

static void
print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	putchar('\n');
	json_decref(j);
}

static int
report_sensor(const struct conf *c, const struct rp_opts *o)
{
	struct rp_sensor r;
	char err[LW_ERRLEN];
	int idx = conf_sensor_find(c, o->sensor);

	if (idx == -1) {
		fprintf(stderr, "lakewatch: %s: no sensor '%s'\n", o->file,
		    o->sensor);
		return 1;
	}
	if (sensor_load(c, &c->sensors[idx], o->year, &r, err) == -1) {
		fprintf(stderr, "lakewatch: %s\n", err);
		return 1;
	}
	if (o->through == 0 && r.last == 0) {
		fprintf(stderr, "lakewatch: sensor '%s': no valid day in %d "
		    "(sample log under %s/samples/%s)\n", o->sensor, o->year,
		    c->state_dir, o->sensor);
		return 1;
	}
	sensor_sum(&r, o->through ? o->through : r.last);
	if (o->format == RP_JSON)
		print_json(json_report(c, &r));
	else if (o->format == RP_CSV)
		print_csv(&r, stdout);
	else
		print_text(c, &r, stdout);
	return 0;
}

/* ---- a site: single-factor assessment --------------------------------- */

/* 1 if R counts for the site's class (TN of lakes is assessed apart). */
static int
site_assessed(const struct rp_sensor *r)
{
	return r->cls != 0 && !(r->s->parameter == PARAM_TN &&
	    r->s->water_body == WATER_LAKE);
}

struct rp_site {
	struct rp_sensor *r;
	size_t		 n;
	int		 through;
	int		 cls;		/* worst assessed class, 0 none */
	int		 tn;		/* TN of lakes, assessed apart */
};

static int
site_load(const struct conf *c, const struct rp_opts *o, struct rp_site *st)
{
	char err[LW_ERRLEN];
	size_t i;

	memset(st, 0, sizeof(*st));
	if ((st->r = calloc(c->nsensor + 1, sizeof(*st->r))) == NULL)
		fatal("report");
	for (i = 0; i < c->nsensor; i++) {
		if (strcmp(c->sensors[i].site, o->site) != 0)
			continue;
		if (sensor_load(c, &c->sensors[i], o->year, &st->r[st->n],
		    err) == -1) {
			fprintf(stderr, "lakewatch: %s\n", err);
			return -1;
		}
		if (st->r[st->n].last > st->through)
			st->through = st->r[st->n].last;
		st->n++;
	}
	if (o->through)
		st->through = o->through;
	return 0;
}

static void
site_judge(struct rp_site *st)
{
	struct rp_sensor *r;
	size_t i;

	for (i = 0; i < st->n; i++) {
		r = &st->r[i];
		sensor_sum(r, st->through);
		if (site_assessed(r) && r->cls > st->cls)
			st->cls = r->cls;
		else if (r->cls && r->s->parameter == PARAM_TN &&
		    r->cls > st->tn)
			st->tn = r->cls;
	}
}

/* "总磷（超标0.08倍）、..." / "TP (0.08 times over), ..." */
static void
site_pollutants(const struct rp_site *st, char *zh, char *en, size_t len)
{
	const struct rp_sensor *r;
	size_t i, nz = 0, ne = 0;

	zh[0] = en[0] = '\0';
	for (i = 0; i < st->n; i++) {
		r = &st->r[i];
		if (!site_assessed(r) || !(r->multiple > 0))
			continue;
		nz += snprintf(zh + nz, len - nz, "%s%s（超标%.2f倍）",
		    nz ? "、" : "", report_param_zh(r->s->parameter),
		    r->multiple);
		ne += snprintf(en + ne, len - ne, "%s%s (%.2f times over)",
		    ne ? ", " : "", gb3838_param_label(r->s->parameter),
		    r->multiple);
		if (nz >= len || ne >= len)
			break;
	}
}

static void
site_summary(const struct rp_opts *o, const struct rp_site *st, char *zh,
    char *en, size_t len)
{
	char sz[32], se[32], pz[256], pe[256], tz[64] = "", te[64] = "";

	report_span_zh(1, st->through, sz, sizeof(sz));
	report_span_en(1, st->through, se, sizeof(se));
	site_pollutants(st, pz, pe, sizeof(pz));
	if (st->tn) {
		snprintf(tz, sizeof(tz), "；总氮单独评价为%s",
		    gb3838_class_name_zh(st->tn));
		snprintf(te, sizeof(te), "; TN assessed separately: Class %s",
		    gb3838_class_name(st->tn));
	}
	snprintf(zh, len, "%s %s水质%s（单因子评价）%s%s%s", o->site, sz,
	    st->cls ? gb3838_class_name_zh(st->cls) : "无法评价",
	    pz[0] ? "，主要超标项目：" : "", pz, tz);
	snprintf(en, len, "%s %s: Class %s (single-factor)%s%s%s", o->site,
	    se, st->cls ? gb3838_class_name(st->cls) : "-",
	    pe[0] ? "; above target: " : "", pe, te);
}

/* "TP, NH3-N": the assessed parameters of class CLS. */
static void
site_deciders(const struct rp_site *st, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < st->n && n < len; i++)
		if (site_assessed(&st->r[i]) && st->r[i].cls == st->cls)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
			    gb3838_param_label(st->r[i].s->parameter));
}

static void
site_row(const struct rp_sensor *r, FILE *fp)
{
	char over[40], yoy[16] = "-";

	over_text(r->multiple, over, sizeof(over));
	if (!isnan(r->yoy))
		snprintf(yoy, sizeof(yoy), "%+.1f%%", r->yoy);
	fprintf(fp, "%-12s %-16s %10.*f %-6s %-6s %8s", gb3838_param_label(
	    r->s->parameter), r->s->name, r->s->decimals, r->mean,
	    r->s->unit_label, r->cls ? gb3838_class_name(r->cls) : "-", yoy);
	if (!r->cls)
		fprintf(fp, "  no class: not assessed");
	else if (!site_assessed(r))
		fprintf(fp, "  assessed separately");
	else if (over[0])
		fprintf(fp, "  %s", over);
	fputc('\n', fp);
}

static void
site_text(const struct rp_opts *o, const struct rp_site *st, FILE *fp)
{
	char span[32], zh[1024], en[1024], by[128];
	size_t i;

	report_span_en(1, st->through, span, sizeof(span));
	fprintf(fp, "%s  single-factor assessment, %s %d\n\n%-12s %-16s "
	    "%10s %-6s %-6s %8s\n", o->site, span, o->year, "parameter",
	    "sensor", "mean", "unit", "class", "yoy");
	for (i = 0; i < st->n; i++)
		site_row(&st->r[i], fp);
	site_deciders(st, by, sizeof(by));
	if (st->cls)
		fprintf(fp, "\nsite class: %s (decided by %s)\n",
		    gb3838_class_name(st->cls), by);
	else
		fprintf(fp, "\nsite class: - (no assessed parameter)\n");
	site_summary(o, st, zh, en, sizeof(zh));
	fprintf(fp, "\n%s\n%s\n", zh, en);
}

static json_t *
site_json(const struct rp_opts *o, const struct rp_site *st)
{
	const struct rp_sensor *r;
	json_t *a = json_array();
	char zh[1024], en[1024], from[16], thr[16];
	size_t i;

	for (i = 0; i < st->n; i++) {
		r = &st->r[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o, s:o, "
		    "s:o, s:b, s:o}", "sensor", r->s->name, "parameter",
		    gb3838_param_name(r->s->parameter),
		    "mean", jnum(r->cum.mean, r->s->decimals),
		    "class", jclass(r->cls),
		    "previous_mean", jnum(r->pcum.mean, r->s->decimals),
		    "yoy_pct", jnum(r->yoy, 1), "assessed", site_assessed(r),
		    "times_over", jnum(r->multiple, 2)));
	}
	snprintf(from, sizeof(from), "%d-01", o->year);
	snprintf(thr, sizeof(thr), "%d-%02d", o->year, st->through);
	site_summary(o, st, zh, en, sizeof(zh));
	return json_pack("{s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:s, s:s}",
	    "site", o->site, "year", o->year, "from", from, "through", thr,
	    "parameters", a, "class", jclass(st->cls),
	    "tn_class", jclass(st->tn), "summary_zh", zh, "summary_en", en);
}

static int
report_site(const struct conf *c, const struct rp_opts *o)
{
	struct rp_site st;
	int rc = 0;

	if (site_load(c, o, &st) == -1)
		rc = 1;
	else if (st.n == 0) {
		fprintf(stderr, "lakewatch: %s: no sensor with site '%s'\n",
		    o->file, o->site);
		rc = 1;
	} else if (st.through == 0) {
		fprintf(stderr, "lakewatch: site '%s': no valid day in %d\n",
		    o->site, o->year);
		rc = 1;
	} else {
		site_judge(&st);
		if (o->format == RP_JSON)
			print_json(site_json(o, &st));
		else
			site_text(o, &st, stdout);
	}
	free(st.r);
	return rc;
}

/* ---- the command ------------------------------------------------------ */

static int
usage_report(void)
{
	fprintf(stderr, "usage: lakewatch report -c FILE --sensor NAME | "
	    "--site SITE --year YYYY\n\t[--through YYYY-MM] "
	    "[--format text|json|csv]\n");
	return 2;
}

/* "2026-05" of YEAR into *MONTH; 0 or -1. */
static int
parse_through(const char *s, int year, int *month)
{
	int y, m, n = 0;

	if (sscanf(s, "%4d-%2d%n", &y, &m, &n) != 2 || s[n] != '\0' ||
	    y != year || m < 1 || m > 12)
		return -1;
	*month = m;
	return 0;
}

static int
parse_format(const char *s, enum rp_format *f)
{
	if (strcmp(s, "text") == 0)
		*f = RP_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = RP_JSON;
	else if (strcmp(s, "csv") == 0)
		*f = RP_CSV;
	else
		return -1;
	return 0;
}

static int
report_args(int argc, char **argv, struct rp_opts *o)
{
	static const struct option lo[] = {
		{ "sensor", required_argument, NULL, 's' },
		{ "site", required_argument, NULL, 'S' },
		{ "year", required_argument, NULL, 'y' },
		{ "through", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	const char *through = NULL;
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "c:s:S:y:t:f:", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': o->file = optarg; break;
		case 's': o->sensor = optarg; break;
		case 'S': o->site = optarg; break;
		case 'y': o->year = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->year < 1971 || o->year > 9999)
				return -1;
			break;
		case 't': through = optarg; break;
		case 'f': if (parse_format(optarg, &o->format) == -1)
				return -1;
			break;
		default: return -1;
		}
	}
	if (optind != argc || o->file == NULL || o->year == 0 ||
	    (o->sensor == NULL) == (o->site == NULL) ||
	    (through && parse_through(through, o->year, &o->through) == -1))
		return -1;
	return 0;
}

int
tool_report(int argc, char **argv)
{
	struct rp_opts o;
	char err[LW_ERRLEN];
	struct conf *c;
	int rc;

	if (report_args(argc, argv, &o) == -1)
		return usage_report();
	if (o.site && o.format == RP_CSV) {
		fprintf(stderr, "lakewatch: --site: text or json only\n");
		return 2;
	}
	if ((c = conf_load(o.file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return EX_CONFIG;
	}
	if (report_tz(c->timezone, err) == -1) {
		fprintf(stderr, "lakewatch: %s: %s\n", o.file, err);
		conf_free(c);
		return EX_CONFIG;
	}
	rc = o.site ? report_site(c, &o) : report_sensor(c, &o);
	conf_free(c);
	return rc;
}
