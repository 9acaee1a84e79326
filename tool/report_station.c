/*
 * report_station.c: a station report (站点日报, 月报) of `lakewatch report
 * --site`: a day or a month as a span of its own, the notes and reasons
 * in Chinese and English, and the report as text, CSV and JSON. The XLSX
 * workbook is report_xlsx.c; the figures are report.c's.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/conf.h"
#include "../lib/gb3838.h"
#include "../lib/util.h"
#include "report.h"
#include "report_out.h"
#include "report_station.h"
#include "report_tli.h"

/* ---- a day as a span ------------------------------------------------ */

void
report_day_fig(const struct rp_year *y, int yday, const struct rp_rules *r,
    struct rp_dayfig *f)
{
	const struct rp_day *d = &y->day[yday];
	int o, v;

	memset(f, 0, sizeof(*f));
	f->begun = y->until == 0 || yday < y->until;
	f->nvalid = d->nvalid;
	if (r->manual) {
		/* lab results: no day rule, the mean of that day's results */
		f->need = 1;
		f->mean = d->nvalid ? d->sum / d->nvalid : NAN;
	} else {
		f->need = report_need(r->expected, r->day_min_fraction);
		f->mean = report_day_mean(d, r);
	}
	report_day_counts(d, r, &o, &v);
	f->rate.obtained = o;
	f->rate.valid = v;
	f->rate.expected = r->manual || !f->begun ? 0 : r->expected;
}

/* R's cumulative fields as the figures of MEAN alone (a day of MONTH). */
static void
span_of_mean(struct rp_sensor *r, int month, double mean)
{
	const struct conf_sensor *s = r->s;

	r->cum = (struct rp_cum){ month, month, !isnan(mean), mean };
	r->pcum = (struct rp_cum){ month, month, 0, NAN };
	r->mean = gb3838_round(mean, s->decimals);
	r->pmean = NAN;
	r->ymask = 0;
	r->yoy = NAN;
	r->cls = gb3838_class(s->parameter, s->water_body, mean, s->decimals);
	r->multiple = report_multiple(s, mean);
	r->tmultiple = report_target_multiple(s, mean);
}

/* The site's class and the TN class of lakes from its sensors' classes. */
static void
site_classes(struct rp_site *st)
{
	const struct rp_sensor *r;
	size_t i;

	st->cls = st->tn = 0;
	for (i = 0; i < st->n; i++) {
		r = &st->r[i];
		if (report_site_assessed(r) && r->cls > st->cls)
			st->cls = r->cls;
		else if (r->cls && r->s->parameter == PARAM_TN &&
		    r->cls > st->tn)
			st->tn = r->cls;
	}
}

void
report_site_day(const struct rp_site *st, const struct rp_year *y,
    int month, int mday, struct rp_site *out, struct rp_sensor *buf,
    struct rp_rate *rate)
{
	int yday = report_yday(st->year, month) + mday - 1;
	struct rp_dayfig f;
	size_t i;

	*out = *st;
	out->r = buf;
	out->through = month;
	for (i = 0; i < st->n; i++) {
		buf[i] = st->r[i];
		report_day_fig(&y[i], yday, &buf[i].rules, &f);
		rate[i] = f.rate;
		span_of_mean(&buf[i], month, f.mean);
	}
	site_classes(out);
}

void
report_site_rates(const struct rp_site *st, struct rp_rate *rate)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		report_rates(st->r[i].m, st->r[i].cum.from,
		    st->r[i].cum.through, &rate[i]);
}

int
report_site_lake(const struct rp_site *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (st->r[i].s->water_body == WATER_LAKE)
			return 1;
	return 0;
}

/* ---- words ---------------------------------------------------------- */

static int
span_yday(const struct rp_station *sr)
{
	return report_yday(sr->year, sr->month) + sr->mday - 1;
}

static void
day_reason(const struct rp_station *sr, size_t i, char *zh, char *en,
    size_t len)
{
	const struct rp_sensor *r = &sr->st->r[i];
	struct rp_dayfig f;

	report_day_fig(&sr->y[i], span_yday(sr), &r->rules, &f);
	if (!f.begun) {
		snprintf(zh, len, "当日尚未开始");
		snprintf(en, len, "the day has not begun");
	} else if (r->rules.manual) {
		snprintf(zh, len, "当日无人工监测结果");
		snprintf(en, len, "no result that day");
	} else if (f.nvalid == 0) {
		snprintf(zh, len, "无有效数据");
		snprintf(en, len, "no valid sample");
	} else {
		snprintf(zh, len, "有效数据不足（%d/%d个，需%d个）", f.nvalid,
		    r->rules.expected, f.need);
		snprintf(en, len, "too few valid samples (%d of %d, need %d)",
		    f.nvalid, r->rules.expected, f.need);
	}
}

static void
month_reason(const struct rp_month *m, char *zh, char *en, size_t len)
{
	if (m->valid_days == 0) {
		snprintf(zh, len, "无有效数据");
		snprintf(en, len, "no valid day");
		return;
	}
	snprintf(zh, len, "有效天数不足（%d/%d天，需%d天）", m->valid_days,
	    m->days, m->need_days);
	snprintf(en, len, "too few valid days (%d of %d, need %d)",
	    m->valid_days, m->days, m->need_days);
}

static void
period_reason(const struct rp_sensor *r, char *zh, char *en, size_t len)
{
	char sz[32], se[32];
	unsigned mask = 0;
	int i;

	for (i = r->cum.from; i <= r->cum.through; i++)
		if (r->m[i - 1].valid_days > 0)
			mask |= 1u << (i - 1);
	if (mask == 0) {
		report_span_zh(r->cum.from, r->cum.through, sz, sizeof(sz));
		report_span_en(r->cum.from, r->cum.through, se, sizeof(se));
		snprintf(zh, len, "%s无有效数据", sz);
		snprintf(en, len, "no valid day in %s", se);
		return;
	}
	report_months_zh(mask, sz, sizeof(sz));
	report_months_en(mask, se, sizeof(se));
	snprintf(zh, len, "无有效月份（%s有效天数不足）", sz);
	snprintf(en, len, "no valid month (%s: too few valid days)", se);
}

void
report_station_reason(const struct rp_station *sr, size_t i, char *zh,
    char *en, size_t len)
{
	const struct rp_sensor *r = &sr->st->r[i];

	zh[0] = en[0] = '\0';
	if (!isnan(r->mean))
		return;
	if (sr->span == RP_SPAN_DAY)
		day_reason(sr, i, zh, en, len);
	else if (sr->span == RP_SPAN_MONTH)
		month_reason(&r->m[sr->month - 1], zh, en, len);
	else
		period_reason(r, zh, en, len);
}

static void note_of(const struct rp_sensor *, char *, char *, size_t);

void
report_station_note(const struct rp_station *sr, size_t i, char *zh,
    char *en, size_t len)
{
	const struct rp_sensor *r = &sr->st->r[i];
	size_t nz, ne;

	report_station_reason(sr, i, zh, en, len);
	if (zh[0] == '\0')
		note_of(r, zh, en, len);
	nz = strlen(zh);
	ne = strlen(en);
	if (r->rules.manual && nz < len && ne < len) {
		snprintf(zh + nz, len - nz, "%s人工监测，获取率不适用",
		    nz ? "；" : "");
		snprintf(en + ne, len - ne, "%smanual sampling: rates n/a",
		    ne ? "; " : "");
	}
}

/* The note on parameter R with a mean: why it is not judged as others. */
static void
note_of(const struct rp_sensor *r, char *zh, char *en, size_t len)
{
	if (r->cls == 0) {
		snprintf(zh, len, "无水质类别，不参与评价");
		snprintf(en, len, "no class: not assessed");
	} else if (!report_site_assessed(r)) {
		snprintf(zh, len, "湖库总氮单独评价");
		snprintf(en, len, "assessed separately (TN of lakes)");
	} else if (gb3838_direction(r->s->parameter) <= 0) {
		/* the 2011 method: no multiple for temperature, pH, DO */
		snprintf(zh, len, "不计算超标倍数");
		snprintf(en, len, "no times over (not computed for %s)",
		    gb3838_param_label(r->s->parameter));
	}
}

void
report_station_pollutants(const struct rp_station *sr, char *zh, char *en,
    size_t len)
{
	report_site_pollutants(sr->st, "", zh, en, len);
}

void
report_station_span(const struct rp_station *sr, char *zh, char *en,
    size_t len)
{
	char sz[32], se[32];

	if (sr->span == RP_SPAN_DAY) {
		snprintf(zh, len, "%d年%d月%d日", sr->year, sr->month, sr->mday);
		snprintf(en, len, "%d-%02d-%02d", sr->year, sr->month,
		    sr->mday);
	} else if (sr->span == RP_SPAN_MONTH) {
		snprintf(zh, len, "%d年%d月", sr->year, sr->month);
		snprintf(en, len, "%d-%02d", sr->year, sr->month);
	} else {
		report_span_zh(1, sr->st->through, sz, sizeof(sz));
		report_span_en(1, sr->st->through, se, sizeof(se));
		snprintf(zh, len, "%d年%s", sr->year, sz);
		snprintf(en, len, "%s %d", se, sr->year);
	}
}

const char *
report_station_kind_zh(const struct rp_station *sr)
{
	return sr->span == RP_SPAN_DAY ? "水质日报" :
	    sr->span == RP_SPAN_MONTH ? "水质月报" : "水质报告";
}

void
report_station_tn(const struct rp_station *sr, char *zh, char *en,
    size_t len)
{
	const struct rp_site *st = sr->st;
	size_t i;
	int has = 0;

	zh[0] = en[0] = '\0';
	if (!report_site_lake(st))
		return;
	for (i = 0; i < st->n; i++)
		has |= st->r[i].s->parameter == PARAM_TN;
	if (st->tn) {
		snprintf(zh, len, "湖库总氮单独评价：%s",
		    gb3838_class_name_zh(st->tn));
		snprintf(en, len, "TN of lakes is assessed separately: Class "
		    "%s", gb3838_class_name(st->tn));
	} else if (has) {
		snprintf(zh, len, "湖库总氮单独评价：无有效数据");
		snprintf(en, len, "TN of lakes is assessed separately: no "
		    "valid figure");
	} else {
		snprintf(zh, len, "湖库总氮单独评价，本站未监测总氮");
		snprintf(en, len, "TN of lakes is assessed separately; this "
		    "site does not measure TN");
	}
}

int
report_station_days(const struct rp_station *sr, int *first, int *last)
{
	int through = sr->st->through;
	size_t i;

	if (sr->span == RP_SPAN_DAY) {
		*first = *last = span_yday(sr);
		return 0;
	}
	*first = sr->span == RP_SPAN_MONTH ? report_yday(sr->year, sr->month) :
	    0;
	*last = report_yday(sr->year, through) +
	    days_in_month(sr->year, through) - 1;
	/* this year: no row for the days after today */
	for (i = 0; sr->y && i < sr->st->n; i++)
		if (sr->y[i].until > 0 && *last >= sr->y[i].until)
			*last = sr->y[i].until - 1;
	return *last >= *first ? 0 : -1;
}

void
report_date_of(int year, int yday, int *month, int *mday)
{
	int m = 1;

	while (m < 12 && yday >= report_yday(year, m + 1))
		m++;
	*month = m;
	*mday = yday - report_yday(year, m) + 1;
}

/* "2026-05-12" of day YDAY of YEAR. */
static void
yday_date(int year, int yday, char *buf, size_t len)
{
	int m, d;

	report_date_of(year, yday, &m, &d);
	snprintf(buf, len, "%d-%02d-%02d", year, m, d);
}

/* The site's sentence: "长荡湖湖心 2026年5月水质Ⅳ类（单因子评价），...". */
static void
station_summary(const struct rp_station *sr, char *zh, char *en, size_t len)
{
	const struct rp_site *st = sr->st;
	char sz[64], se[64], pz[256], pe[256], tz[128], te[160];

	report_station_span(sr, sz, se, sizeof(sz));
	report_station_pollutants(sr, pz, pe, sizeof(pz));
	report_station_tn(sr, tz, te, sizeof(tz));
	snprintf(zh, len, "%s %s水质%s（单因子评价）%s%s%s%s", st->site, sz,
	    st->cls ? gb3838_class_name_zh(st->cls) : "无法评价",
	    pz[0] ? "，主要污染指标：" : "", pz, tz[0] ? "；" : "", tz);
	snprintf(en, len, "%s %s: Class %s (single-factor)%s%s%s%s", st->site,
	    se, st->cls ? gb3838_class_name(st->cls) : "-",
	    pe[0] ? "; main pollutants: " : "", pe, te[0] ? "; " : "", te);
}

/* ---- text ----------------------------------------------------------- */

/* "0.082", or "–" (3 bytes, one column: pad by hand) when absent. */
static void
num(double v, int d, char *buf, size_t len)
{
	if (isfinite(v))
		snprintf(buf, len, "%.*f", d, gb3838_round(v, d));
	else
		snprintf(buf, len, "–");
}

/* Width W of a column holding S: 2 more bytes for the 3-byte "–". */
static int
colw(const char *s, int w)
{
	return strcmp(s, "–") == 0 ? w + 2 : w;
}

static void
text_row(const struct rp_station *sr, size_t i, FILE *fp)
{
	const struct rp_sensor *r = &sr->st->r[i];
	char mean[32], over[32], cap[16], val[16], zh[160], en[160];

	num(r->cum.mean, r->s->decimals, mean, sizeof(mean));
	num(r->multiple, 2, over, sizeof(over));
	report_pct(report_rate(sr->rate[i].obtained, sr->rate[i].expected),
	    cap, sizeof(cap));
	report_pct(report_rate(sr->rate[i].valid, sr->rate[i].expected),
	    val, sizeof(val));
	report_station_note(sr, i, zh, en, sizeof(zh));
	fprintf(fp, "%-10s %-16s %*s %-6s %-5s %*s %9s %9s%s%s\n",
	    gb3838_param_label(r->s->parameter), r->s->name,
	    colw(mean, 10), mean, r->s->unit_label,
	    r->cls ? gb3838_class_name(r->cls) : "-", colw(over, 6), over,
	    cap, val, en[0] ? "  " : "", en);
}

void
report_station_text(const struct rp_station *sr, FILE *fp)
{
	const struct rp_site *st = sr->st;
	char sz[64], se[64], zh[1024], en[1024];
	size_t i;

	report_station_span(sr, sz, se, sizeof(sz));
	fprintf(fp, "%s  %s %s (%s report)\nsingle-factor assessment, GB "
	    "3838-2002; days in %s\n\n", st->site, report_station_kind_zh(sr),
	    sz, sr->span == RP_SPAN_DAY ? "daily" : sr->span ==
	    RP_SPAN_MONTH ? "monthly" : "station",
	    sr->c->timezone ? sr->c->timezone : "UTC");
	fprintf(fp, "%-10s %-16s %10s %-6s %-5s %6s %9s %9s  %s\n",
	    "param", "sensor", "mean", "unit", "class", "times", "capture",
	    "validity", "note");
	for (i = 0; i < st->n; i++)
		text_row(sr, i, fp);
	if (st->cls) {
		report_site_deciders(st, zh, sizeof(zh));
		fprintf(fp, "\nsite class (单因子评价): %s (decided by %s)\n",
		    gb3838_class_name(st->cls), zh);
		report_station_pollutants(sr, zh, en, sizeof(zh));
		fprintf(fp, "main pollutants (主要污染指标): %s\n", en[0] ? en :
		    "none (the site meets Class III)");
	} else
		fprintf(fp, "\nsite class (单因子评价): - (no assessed "
		    "parameter)\n");
	report_station_tn(sr, zh, en, sizeof(zh));
	if (en[0])
		fprintf(fp, "%s\n", en);
	fprintf(fp, "times: times over Class III (超标倍数); capture, "
	    "validity: 数据获取率, 有效率\n");
	station_summary(sr, zh, en, sizeof(zh));
	fprintf(fp, "\n%s\n%s\n", zh, en);
}

void
report_station_dayfig(const struct rp_station *sr, size_t i, int yday,
    struct rp_dayfig *f, char *zh, char *en, size_t len)
{
	const struct rp_sensor *r = &sr->st->r[i];

	report_day_fig(&sr->y[i], yday, &r->rules, f);
	zh[0] = en[0] = '\0';
	if (!isnan(f->mean))
		return;
	if (r->rules.manual) {
		snprintf(zh, len, "无人工监测结果");
		snprintf(en, len, "no result (manual)");
	} else if (f->nvalid == 0) {
		snprintf(zh, len, "无有效数据");
		snprintf(en, len, "no valid sample");
	} else {
		snprintf(zh, len, "有效数据不足（需%d个）", f->need);
		snprintf(en, len, "too few valid samples (need %d)", f->need);
	}
}

/* One parameter's figures of one day: a row of the daily tables. */
struct dayrow {
	const struct rp_sensor	*r;
	const char		*date;	/* "2026-05-01" */
	struct rp_dayfig	 f;
	int			 cls;	/* of f.mean; 0: none */
	char			 why[64];	/* why no mean; "" */
};

/* FN(row, ARG) for each parameter of each day of SR, day by day. */
static void
each_day(const struct rp_station *sr,
    void (*fn)(const struct dayrow *, void *), void *arg)
{
	struct dayrow w;
	char date[16], zh[64];
	int d, first, last;
	size_t i;

	if (report_station_days(sr, &first, &last) == -1)
		return;
	w.date = date;
	for (d = first; d <= last; d++) {
		yday_date(sr->year, d, date, sizeof(date));
		for (i = 0; i < sr->st->n; i++) {
			w.r = &sr->st->r[i];
			report_station_dayfig(sr, i, d, &w.f, zh, w.why,
			    sizeof(w.why));
			w.cls = gb3838_class(w.r->s->parameter,
			    w.r->s->water_body, w.f.mean, w.r->s->decimals);
			fn(&w, arg);
		}
	}
}

static void
text_day(const struct dayrow *w, void *arg)
{
	const struct rp_sensor *r = w->r;
	char mean[32], cap[16], cnt[32];
	FILE *fp = arg;

	num(w->f.mean, r->s->decimals, mean, sizeof(mean));
	snprintf(cnt, sizeof(cnt), "%d/%ld", w->f.nvalid, w->f.rate.expected);
	report_pct(report_rate(w->f.rate.obtained, w->f.rate.expected), cap,
	    sizeof(cap));
	fprintf(fp, "%-10s  %-10s %-16s %*s %-6s %-5s %9s %9s%s%s\n", w->date,
	    gb3838_param_label(r->s->parameter), r->s->name, colw(mean, 10),
	    mean, r->s->unit_label, w->cls ? gb3838_class_name(w->cls) : "-",
	    r->rules.manual ? "-" : cnt, cap, w->why[0] ? "  " : "", w->why);
}

void
report_station_daily_text(const struct rp_station *sr, FILE *fp)
{
	fprintf(fp, "\ndaily means (日均值)\n%-10s  %-10s %-16s %10s %-6s "
	    "%-5s %9s %9s  %s\n", "date", "param", "sensor", "mean", "unit",
	    "class", "valid", "capture", "note");
	each_day(sr, text_day, fp);
}

/* ---- CSV -------------------------------------------------------------- */

/* ,"S" with its quotes doubled (RFC 4180). */
static void
csv_str(FILE *fp, const char *s)
{
	fputs(",\"", fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
csv_period(const struct rp_station *sr, char *buf, size_t len)
{
	if (sr->span == RP_SPAN_PERIOD)
		snprintf(buf, len, "%d-01..%d-%02d", sr->year, sr->year,
		    sr->st->through);
	else
		report_station_span(sr, buf, buf, len);
}

static void
csv_day(const struct dayrow *w, void *arg)
{
	const struct rp_sensor *r = w->r;
	FILE *fp = arg;

	fprintf(fp, "%s,%s,%s", w->date, gb3838_param_name(r->s->parameter),
	    r->s->name);
	report_csv_num(fp, w->f.mean, r->s->decimals);
	fprintf(fp, ",%s,%s,%d,", r->s->unit_label, w->cls ?
	    gb3838_class_name(w->cls) : "", w->f.nvalid);
	if (w->f.rate.expected > 0)
		fprintf(fp, "%ld", w->f.rate.expected);
	report_csv_num(fp, report_rate(w->f.rate.obtained,
	    w->f.rate.expected), 1);
	report_csv_num(fp, report_rate(w->f.rate.valid, w->f.rate.expected),
	    1);
	csv_str(fp, w->why);
	fputc('\n', fp);
}

static void
csv_daily(const struct rp_station *sr, FILE *fp)
{
	fprintf(fp, "date,parameter,sensor,mean,unit,class,valid_samples,"
	    "expected_samples,capture_rate,valid_rate,note\n");
	each_day(sr, csv_day, fp);
}

/*
 * One row per parameter, then the row "site": its class and, in the
 * note, the main pollutants and the TN note. With DAILY, the daily
 * means alone (one table a file).
 */
void
report_station_csv(const struct rp_station *sr, FILE *fp)
{
	const struct rp_sensor *r;
	char per[64], zh[512], en[512], tz[128], te[160];
	size_t i;

	if (sr->daily) {
		csv_daily(sr, fp);
		return;
	}
	csv_period(sr, per, sizeof(per));
	fprintf(fp, "period,parameter,sensor,mean,unit,class,times_over,"
	    "target_times_over,capture_rate,valid_rate,assessed,note\n");
	for (i = 0; i < sr->st->n; i++) {
		r = &sr->st->r[i];
		fprintf(fp, "%s,%s,%s", per, gb3838_param_name(r->s->parameter),
		    r->s->name);
		report_csv_num(fp, r->cum.mean, r->s->decimals);
		fprintf(fp, ",%s,%s", r->s->unit_label, r->cls ?
		    gb3838_class_name(r->cls) : "");
		report_csv_num(fp, r->multiple, 2);
		report_csv_num(fp, r->tmultiple, 2);
		report_csv_num(fp, report_rate(sr->rate[i].obtained,
		    sr->rate[i].expected), 1);
		report_csv_num(fp, report_rate(sr->rate[i].valid,
		    sr->rate[i].expected), 1);
		fprintf(fp, ",%d", report_site_assessed(r));
		report_station_note(sr, i, zh, en, sizeof(zh));
		csv_str(fp, en);
		fputc('\n', fp);
	}
	report_station_pollutants(sr, zh, en, sizeof(zh));
	report_station_tn(sr, tz, te, sizeof(tz));
	fprintf(fp, "%s,site,,,,%s,,,,,", per, sr->st->cls ?
	    gb3838_class_name(sr->st->cls) : "");
	snprintf(zh, sizeof(zh), "main pollutants: %s%s%s", en[0] ? en :
	    "none", te[0] ? "; " : "", te);
	csv_str(fp, zh);
	fputc('\n', fp);
	report_tli_csv(sr->st, per, fp);
}

/* ---- JSON ------------------------------------------------------------- */

/* The rates of RT into object O (null when not defined). */
static void
json_rate(json_t *o, const struct rp_rate *rt)
{
	json_object_set_new(o, "expected_samples", rt->expected > 0 ?
	    json_integer(rt->expected) : json_null());
	json_object_set_new(o, "obtained_samples", json_integer(rt->obtained));
	json_object_set_new(o, "valid_samples", json_integer(rt->valid));
	json_object_set_new(o, "capture_rate",
	    report_jnum(report_rate(rt->obtained, rt->expected), 1));
	json_object_set_new(o, "valid_rate",
	    report_jnum(report_rate(rt->valid, rt->expected), 1));
}

static json_t *
json_param(const struct rp_station *sr, size_t i)
{
	const struct rp_sensor *r = &sr->st->r[i];
	char zh[160], en[160];
	json_t *o;

	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:o, s:o}",
	    "sensor", r->s->name, "parameter",
	    gb3838_param_name(r->s->parameter),
	    "name_zh", report_param_zh(r->s->parameter),
	    "unit", r->s->unit_label,
	    "mean", report_jnum(r->cum.mean, r->s->decimals),
	    "class", report_jclass(r->cls), "assessed", report_site_assessed(r),
	    "times_over", report_jnum(r->multiple, 2),
	    "target_times_over", report_jnum(r->tmultiple, 2));
	json_rate(o, &sr->rate[i]);
	report_station_reason(sr, i, zh, en, sizeof(zh));
	if (en[0])
		json_object_set_new(o, "reason", json_string(en));
	return o;
}

/*
 * {site, span, date|month, class, main_pollutants, tn_class, tn_note,
 * parameters, summary_zh, summary_en[, daily]}.
 */
json_t *
report_station_json(const struct rp_station *sr)
{
	const struct rp_site *st = sr->st;
	char sz[64], se[64], zh[1024], en[1024];
	json_t *j, *a = json_array();
	size_t i;

	for (i = 0; i < st->n; i++)
		json_array_append_new(a, json_param(sr, i));
	report_station_span(sr, sz, se, sizeof(sz));
	station_summary(sr, zh, en, sizeof(zh));
	j = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:s}",
	    "site", st->site, "span", sr->span == RP_SPAN_DAY ? "day" :
	    sr->span == RP_SPAN_MONTH ? "month" : "period",
	    sr->span == RP_SPAN_DAY ? "date" : "month", se,
	    "class", report_jclass(st->cls),
	    "main_pollutants", report_json_pollutants(st),
	    "tn_class", report_jclass(st->tn), "parameters", a,
	    "summary_zh", zh, "summary_en", en);
	report_station_json_tail(sr, j);
	return j;
}

void
report_station_json_tail(const struct rp_station *sr, json_t *j)
{
	char zh[160], en[160];

	report_station_tn(sr, zh, en, sizeof(zh));
	json_object_set_new(j, "tn_note", en[0] ? json_string(en) :
	    json_null());
	if (sr->daily)
		json_object_set_new(j, "daily",
		    report_station_daily_json(sr));
}

static void
json_day(const struct dayrow *w, void *arg)
{
	const struct rp_sensor *r = w->r;
	json_t *o;

	o = json_pack("{s:s, s:s, s:s, s:o, s:o}", "date", w->date,
	    "parameter", gb3838_param_name(r->s->parameter),
	    "sensor", r->s->name,
	    "mean", report_jnum(w->f.mean, r->s->decimals),
	    "class", report_jclass(w->cls));
	json_rate(o, &w->f.rate);
	if (w->why[0])
		json_object_set_new(o, "reason", json_string(w->why));
	json_array_append_new(arg, o);
}

json_t *
report_station_daily_json(const struct rp_station *sr)
{
	json_t *a = json_array();

	each_day(sr, json_day, a);
	return a;
}
