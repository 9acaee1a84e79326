/*
 * report.c: the bulletin statistics of `lakewatch report` and the
 * dashboard: daily, monthly and cumulative means from the sample log,
 * GB 3838 classes, year on year, a site's single-factor class. The
 * rules are in report.h; the words and tables are report_out.c, the
 * command report_cmd.c.
 */
#include <sys/stat.h>

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

int
report_flag_valid(char flag)
{
	return flag == 'N' || flag == 'S';
}

struct rp_rules
report_rules(const struct conf_sensor *s)
{
	return (struct rp_rules){ report_expected(s), s->day_min_fraction,
	    s->month_min_fraction, s->sampling == SAMPLING_MANUAL };
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

/* Manual or lab samples: the mean of the month's valid results. */
static void
manual_month(const struct rp_year *y, int first, struct rp_month *m)
{
	double sum = 0;
	int i;

	m->need_days = 1;
	for (i = first; i < first + m->days; i++) {
		m->lost += y->day[i].nlost;
		sum += y->day[i].sum;
		m->samples += y->day[i].nvalid;
		m->valid_days += y->day[i].nvalid > 0;
	}
	m->mean = m->samples ? sum / m->samples : NAN;
	m->valid = m->samples > 0;
}

void
report_day_counts(const struct rp_day *d, const struct rp_rules *r,
    int *obtained, int *valid)
{
	*obtained = d->nobt;
	*valid = d->nvalid;
	if (r->manual)
		return;
	if (*obtained > r->expected)
		*obtained = r->expected;
	if (*valid > r->expected)
		*valid = r->expected;
}

double
report_rate(long n, long expected)
{
	return expected > 0 ? 100.0 * (double)n / (double)expected : NAN;
}

/* The days of month M that have begun (Y->until) expect samples. */
static void
month_counts(const struct rp_year *y, int first, const struct rp_rules *r,
    struct rp_month *m)
{
	int i, o, v;

	for (i = first; i < first + m->days; i++) {
		if (y->until > 0 && i >= y->until)
			break;
		report_day_counts(&y->day[i], r, &o, &v);
		m->obtained += o;
		m->valid_rows += v;
		if (!r->manual)
			m->expected += r->expected;
	}
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

void
report_month(const struct rp_year *y, int month, const struct rp_rules *r,
    struct rp_month *m)
{
	int i, first = report_yday(y->year, month);
	double sum = 0, dm;

	memset(m, 0, sizeof(*m));
	m->month = month;
	m->days = days_in_month(y->year, month);
	month_counts(y, first, r, m);
	if (r->manual) {
		manual_month(y, first, m);
		return;
	}
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
	if (r->flag != 'B' && isfinite(r->value))
		d->nobt++;
	if (report_flag_valid(r->flag) && isfinite(r->value) &&
	    (y->sensor == NULL || conf_plausible(y->sensor, r->value))) {
		d->sum += r->value;
		d->nvalid++;
	}
	return 1;
}

static int	use_cache = 1;

/* The start of the UTC month after the one of T. */
static time_t
next_utc_month(time_t t)
{
	struct tm tm;
	int yr, mo;

	gmtime_r(&t, &tm);
	yr = tm.tm_year + 1900;
	mo = tm.tm_mon + 2;
	if (mo > 12) {
		mo = 1;
		yr++;
	}
	return (time_t)days_civil(yr, mo, 1) * 86400;
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

void
report_cache(int on)
{
	use_cache = on;
}

/*
 * Add month file M's days of Y's year to Y. Each day's sum is the one a
 * row-by-row scan makes: the file's partial sum when the day has no
 * valid row yet, or its values one by one (the day begun the month
 * before). -1 if a day would need values M did not keep (a row outside
 * its month met the same day in another file): scan the rows then.
 */
static int
add_month(struct rp_year *y, const struct sd_month *m)
{
	const struct sd_day *e;
	struct rp_day *d;
	size_t k;
	int slot, i;

	for (slot = 0; slot < 2; slot++) {
		if (m->year0 + slot != y->year)
			continue;
		for (i = 0; i < SAMPLEDAY_DAYS; i++) {
			e = &m->day[slot][i];
			d = &y->day[i];
			if (e->nall == 0)
				continue;
			if (slot == m->head_slot && i == m->head_yday)
				for (k = 0; k < m->nraw; k++)
					d->sum += m->raw[k];
			else if (d->nvalid > 0 && e->nvalid > 0)
				return -1;
			else
				d->sum += e->sum;
			d->nvalid += e->nvalid;
			d->nall += e->nall;
			d->nobt += e->nobt;
		}
	}
	return 0;
}

/* The days of Y from the month files' daily sums (sampleday.h). */
static int
load_days(const struct conf *c, const char *name, time_t from, time_t to,
    struct rp_year *y, char err[LW_ERRLEN])
{
	struct sd_month m;	/* one at a time: 17 kB each */
	struct stat st;
	char path[PATH_MAX];
	struct {
		int	nskip, skip[SAMPLEDAY_SKIPS];
	} sk[14];
	time_t t, first = 0;
	int rc = 0, n = 0, i;

	memset(sk, 0, sizeof(sk));
	for (t = from; rc == 0 && t < to && n < 14; t = next_utc_month(t)) {
		if (n == 0)
			first = t;
		/* no month file, nothing to add: one stat, not four opens */
		samplelog_path(c, name, t, path, sizeof(path));
		if (stat(path, &st) == -1 && errno == ENOENT) {
			n++;
			continue;
		}
		rc = sampleday_load(c, name, y->sensor, t, SAMPLEDAY_READ |
		    SAMPLEDAY_WRITE, &m, err);
		if (rc == 0 && add_month(y, &m) == -1)
			rc = 1;
		sk[n].nskip = m.nskip;
		memcpy(sk[n++].skip, m.skip, sizeof(m.skip));
		sampleday_free(&m);
	}
	/* the months' skipped lines are named once all are summed */
	for (i = 0, t = first; rc == 0 && i < n; i++, t = next_utc_month(t)) {
		m.nskip = sk[i].nskip;
		memcpy(m.skip, sk[i].skip, sizeof(m.skip));
		sampleday_warn(c, name, t, &m);
	}
	return rc;
}

int
report_load(const struct conf *c, const char *name, int year,
    struct rp_year *y, char err[LW_ERRLEN])
{
	time_t from = report_month_start(year, 1);
	time_t to = report_month_start(year, 13);
	time_t now = time(NULL);
	int i = conf_sensor_find(c, name), rc = 1;
	struct tm tm;

	memset(y, 0, sizeof(*y));
	y->year = year;
	/* this year: the days after today expect nothing yet */
	if (localtime_r(&now, &tm) != NULL && tm.tm_year + 1900 == year)
		y->until = tm.tm_yday + 1;
	y->sensor = i >= 0 ? &c->sensors[i] : NULL;
	if (samplelog_scan_lost(c, name, from, to, add_lost, y, err) == -1)
		return -1;
	if (use_cache && (rc = load_days(c, name, from, to, y, err)) == -1)
		return -1;
	if (rc == 0)
		return 0;
	/* --no-cache, or a row out of its month file: row by row */
	for (i = 0; i < REPORT_DAYS; i++) {
		y->day[i].sum = 0;
		y->day[i].nvalid = y->day[i].nall = y->day[i].nobt = 0;
	}
	return samplelog_scan(c, name, from, to, add_row, y, err);
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
	const struct rp_month *m;
	double sum = 0;
	int i, k = 0;

	r->ytd_current = 0;
	for (i = 1; i <= through && i <= 12; i++) {
		m = &r->m[i - 1];
		if (i == current && !m->valid && !isnan(m->mean))
			r->ytd_current = i;
		else if (!m->valid)
			continue;
		else if (i == current)
			r->ytd_current = i;
		sum += m->mean;
		k++;
	}
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
