/* cumul.c: a sensor's year-to-date mean for the cumulative rule (cumul.h) */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "../lib/monthrule.h"
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

int
cumul_due(const struct cumul *cu, time_t t)
{
	struct tm tm;

	if (cu->y == NULL)
		return 1;
	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_year + 1900 != cu->y->year || tm.tm_yday > cu->day;
}

int
cumul_load(const struct conf *c, const struct conf_sensor *sc,
    struct cumul *cu, time_t t, char err[LW_ERRLEN])
{
	struct tm tm;
	int rc;

	if (cu->y == NULL && (cu->y = malloc(sizeof(*cu->y))) == NULL)
		fatal("cumul");
	if (localtime_r(&t, &tm) == NULL)
		tm = (struct tm){ .tm_year = 70 };
	cu->day = tm.tm_yday;
	/* the month files the report reads, through the same .days */
	if ((rc = report_load(c, sc->name, tm.tm_year + 1900, cu->y,
	    err)) == -1) {
		memset(cu->y, 0, sizeof(*cu->y));
		cu->y->year = tm.tm_year + 1900;
	}
	cu->y->sensor = sc;
	return rc;
}

void
cumul_add(struct cumul *cu, time_t t, double v, char flag)
{
	struct samplelog_row r;

	if (cu->y == NULL)
		return;
	memset(&r, 0, sizeof(r));
	r.t = t;
	r.value = v;
	r.flag = flag;
	report_add(cu->y, &r);
}

double
cumul_mean(const struct conf_sensor *sc, const struct cumul *cu, time_t t)
{
	struct rp_rules rules = report_rules(sc);
	struct rp_month m[12];
	struct tm tm;
	double sum;
	int i, k, cur;

	if (cu->y == NULL || localtime_r(&t, &tm) == NULL ||
	    tm.tm_year + 1900 != cu->y->year)
		return NAN;
	for (i = 0; i <= tm.tm_mon; i++)
		report_month(cu->y, i + 1, &rules, &m[i]);
	k = report_ytd_months(m, tm.tm_mon + 1, tm.tm_mon + 1, &sum, &cur);
	return k ? sum / k : NAN;
}

/* A and B are one bound (NAN: none) */
static int
same(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

void
cumul_adopt(struct cumul *dst, const struct cumul *src,
    const struct conf_sensor *sc, const struct conf_sensor *osc)
{
	memset(dst, 0, sizeof(*dst));
	/* another plausible range counts other rows: sum them again */
	if (src->y == NULL || !same(sc->plausible_min, osc->plausible_min) ||
	    !same(sc->plausible_max, osc->plausible_max))
		return;
	if ((dst->y = malloc(sizeof(*dst->y))) == NULL)
		fatal("cumul");
	*dst->y = *src->y;
	dst->y->sensor = sc;
	dst->day = src->day;
}

void
cumul_free(struct cumul *cu)
{
	free(cu->y);
	cu->y = NULL;
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
