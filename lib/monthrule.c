/*
 * monthrule.c: a sensor's days and months by the bulletin rules
 * (monthrule.h), which `lakewatch report` and the daemon's cumulative
 * alert share: which samples count, valid days and months, monthly and
 * cumulative means, and a local year's daily sums from the sample log.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "monthrule.h"
#include "sampleday.h"
#include "samplelog.h"
#include "util.h"

/* ---- the rules (pure) ------------------------------------------------ */

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
manual_month(const struct rp_day *day, struct rp_month *m)
{
	double sum = 0;
	int i;

	m->need_days = 1;
	for (i = 0; i < m->days; i++) {
		m->lost += day[i].nlost;
		sum += day[i].sum;
		m->samples += day[i].nvalid;
		m->valid_days += day[i].nvalid > 0;
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

/* The BEGUN first days of month M (DAY its first) expect samples. */
static void
month_counts(const struct rp_day *day, int begun, const struct rp_rules *r,
    struct rp_month *m)
{
	int i, o, v;

	for (i = 0; i < m->days && i < begun; i++) {
		report_day_counts(&day[i], r, &o, &v);
		m->obtained += o;
		m->valid_rows += v;
		if (!r->manual)
			m->expected += r->expected;
	}
}

void
report_month(const struct rp_year *y, int month, const struct rp_rules *r,
    struct rp_month *m)
{
	int first = report_yday(y->year, month);
	int begun = days_in_month(y->year, month);

	if (y->until > 0 && y->until - first < begun)
		begun = y->until - first;
	report_month_days(&y->day[first], y->year, month, begun, r, m);
}

void
report_month_days(const struct rp_day *day, int year, int month, int begun,
    const struct rp_rules *r, struct rp_month *m)
{
	double sum = 0, dm;
	int i;

	memset(m, 0, sizeof(*m));
	m->month = month;
	m->days = days_in_month(year, month);
	month_counts(day, begun, r, m);
	if (r->manual) {
		manual_month(day, m);
		return;
	}
	m->need_days = report_need(m->days, r->month_min_fraction);
	for (i = 0; i < m->days; i++) {
		m->lost += day[i].nlost;
		dm = report_day_mean(&day[i], r);
		if (isnan(dm))
			continue;
		sum += dm;
		m->valid_days++;
		m->samples += day[i].nvalid;
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

int
report_ytd_months(const struct rp_month m[12], int through, int current,
    double *sum, int *cur)
{
	int i, k = 0;

	*sum = 0;
	*cur = 0;
	for (i = 1; i <= through && i <= 12; i++)
		k += report_ytd_month(&m[i - 1], i, current, sum, cur);
	return k;
}

int
report_ytd_month(const struct rp_month *mo, int month, int current,
    double *sum, int *cur)
{
	if (month == current && !mo->valid && !isnan(mo->mean))
		*cur = month;
	else if (!mo->valid)
		return 0;
	else if (month == current)
		*cur = month;
	*sum += mo->mean;
	return 1;
}

/* ---- a local year's days from the sample log ---------------------- */

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

	if (localtime_r(&r->t, &tm) == NULL || tm.tm_year + 1900 != y->year)
		return 0;
	report_add_day(&y->day[tm.tm_yday], y->sensor, r);
	return 1;
}

void
report_add_day(struct rp_day *d, const struct conf_sensor *sensor,
    const struct samplelog_row *r)
{
	d->nall++;
	if (r->flag != 'B' && isfinite(r->value))
		d->nobt++;
	if (report_flag_valid(r->flag) && isfinite(r->value) &&
	    (sensor == NULL || conf_plausible(sensor, r->value))) {
		d->sum += r->value;
		d->nvalid++;
	}
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
