/* cumul.c: a sensor's year-to-date mean for the cumulative rule (cumul.h) */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "../lib/samplelog.h"
#include "../lib/util.h"
#include "cumul.h"

int
cumul_wanted(const struct conf_sensor *sc)
{
	double lim;

	return sc->alert.cumulative && gb3838_direction(sc->parameter) != 0 &&
	    gb3838_limit(sc->parameter, sc->water_body, sc->target_class,
	    &lim) == 0;
}

/* The valid samples a day of SC needs (report_expected, report_need). */
static int
day_need(const struct conf_sensor *sc)
{
	double every = sc->cycle > 0 ? sc->cycle : sc->interval;
	int n = every > 0 ? (int)floor(86400.0 / every + 1e-9) : 1, k;

	if (n < 1)
		n = 1;
	k = (int)ceil(n * (sc->day_min_fraction - 0.0005) - 1e-9);
	return k < 1 ? 1 : k;
}

/* The mean of CU's month so far into *MEAN; its valid days (results). */
static int
month_mean(const struct conf_sensor *sc, const struct cumul *cu,
    double *mean)
{
	double sum = 0;
	int i, n = 0, need = day_need(sc), manual =
	    sc->sampling == SAMPLING_MANUAL;

	for (i = 0; i < 31; i++) {
		if (manual) {
			sum += cu->dsum[i];
			n += cu->dn[i];
		} else if (cu->dn[i] > 0 && cu->dn[i] >= need) {
			sum += cu->dsum[i] / cu->dn[i];
			n++;
		}
	}
	*mean = n ? sum / n : NAN;
	return manual ? (n > 0) : n;
}

/* Close CU's month: a valid one joins the year's months. */
static void
close_month(const struct conf_sensor *sc, struct cumul *cu)
{
	double mean;
	int days = days_in_month(cu->year, cu->month), n, need;

	n = month_mean(sc, cu, &mean);
	need = (int)ceil(days * (sc->month_min_fraction - 0.0005) - 1e-9);
	if (need < 1 || sc->sampling == SAMPLING_MANUAL)
		need = 1;
	if (n >= need) {
		cu->msum += mean;
		cu->mk++;
	}
}

void
cumul_add(const struct conf_sensor *sc, struct cumul *cu, time_t t,
    double v)
{
	struct tm tm;
	int y, m;

	if (!isfinite(v) || !conf_plausible(sc, v) ||
	    localtime_r(&t, &tm) == NULL)
		return;
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	if (y < cu->year || (y == cu->year && m < cu->month))
		return;		/* a clock stepped back: the month is past */
	if (y != cu->year || m != cu->month) {
		if (cu->month != 0 && y == cu->year)
			close_month(sc, cu);
		if (y != cu->year)
			cu->msum = cu->mk = 0;
		memset(cu->dsum, 0, sizeof(cu->dsum));
		memset(cu->dn, 0, sizeof(cu->dn));
		cu->year = y;
		cu->month = m;
	}
	cu->dsum[tm.tm_mday - 1] += v;
	cu->dn[tm.tm_mday - 1]++;
}

double
cumul_mean(const struct conf_sensor *sc, const struct cumul *cu)
{
	double mean = NAN;
	int k = cu->mk;
	double sum = cu->msum;

	if (cu->month != 0 && month_mean(sc, cu, &mean) > 0) {
		sum += mean;
		k++;
	}
	return k ? sum / k : NAN;
}

struct load {
	const struct conf_sensor *sc;
	struct cumul	*cu;
};

static void
load_row(void *arg, const struct samplelog_row *r)
{
	struct load *l = arg;

	if (r->flag == 'N' || r->flag == 'S')
		cumul_add(l->sc, l->cu, r->t, r->value);
}

int
cumul_load(const struct conf *c, const struct conf_sensor *sc,
    struct cumul *cu, time_t t, char err[LW_ERRLEN])
{
	struct load l = { sc, cu };
	struct tm tm;
	time_t from;

	memset(cu, 0, sizeof(*cu));
	cu->loaded = 1;
	if (localtime_r(&t, &tm) == NULL) {
		snprintf(err, LW_ERRLEN, "localtime: out of range");
		return -1;
	}
	tm = (struct tm){ .tm_year = tm.tm_year, .tm_mday = 1,
	    .tm_isdst = -1 };
	from = mktime(&tm);
	if (samplelog_scan(c, sc->name, from, t, load_row, &l, err) == -1) {
		memset(cu, 0, sizeof(*cu));
		cu->loaded = 1;
		return -1;
	}
	return 0;
}

void
cumul_tz(const char *tz)
{
	char path[PATH_MAX];
	const char *dir = getenv("TZDIR");

	if (tz == NULL || tz[0] == '\0')
		tz = "UTC0";
	else if (strpbrk(tz, "0123456789") == NULL || strchr(tz, '/')) {
		snprintf(path, sizeof(path), "%s/%s", dir ? dir :
		    "/usr/share/zoneinfo", tz[0] == ':' ? tz + 1 : tz);
		if (access(path, R_OK) == -1)
			log_warnx("timezone '%s': not found (is tzdata "
			    "installed?): months of the cumulative rule are "
			    "UTC months", tz);
	}
	if (setenv("TZ", tz, 1) == -1)
		log_warn("setenv TZ");
	tzset();
}
