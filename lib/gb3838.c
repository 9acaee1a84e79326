/* gb3838.c: GB 3838-2002 Table 1, lake and river tables kept apart */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gb3838.h"

struct limits {
	double	v[5];	/* Class I..V; NAN where the standard has none */
};

/* Upper limits (mg/L), DOMAIN.md 1.1. TN is assessed for lakes only. */
static const struct limits tp_lake = { { 0.01, 0.025, 0.05, 0.1, 0.2 } };
static const struct limits tp_river = { { 0.02, 0.1, 0.2, 0.3, 0.4 } };
static const struct limits tn_lake = { { 0.2, 0.5, 1.0, 1.5, 2.0 } };
static const struct limits nh3n = { { 0.15, 0.5, 1.0, 1.5, 2.0 } };
static const struct limits codmn = { { 2, 4, 6, 10, 15 } };
/* lower bounds */
static const struct limits dox = { { 7.5, 6, 5, 3, 2 } };

/*
 * decimals: what a value is judged and reported at. The 2020 statistics
 * rule (地表水环境质量监测数据统计技术规定（试行）, 环办监测函〔2020〕82号,
 * with 总站水字〔2020〕90号) rounds assessment data of TP to 3 decimals,
 * TN and NH3-N to 2, DO, CODMn, temperature, turbidity and conductivity
 * to 1. Taken from public code that encodes its table
 * (sm1lewc/Journey.SurfaceWater FactorAssessmentDecimalPlaces2020.cs,
 * sm1lewc/SurfaceWater StatisticalTechnicalRegulations.cs), not from
 * the primary text, which could not be retrieved. Hourly data keep one
 * more for NH3-N, DO and CODMn; one per sensor here, so the assessment
 * figure wins. Not followed: pH (the table says 0 decimals; kept at 2,
 * as 0 would pass 5.6 as 6) and chl-a (the two disagree, 0 or 3).
 * Transparency (SD, m; lakes, for the trophic state, lib/tli.c) has no
 * GB 3838 class and is in neither table: 2 decimals (cm) is our choice.
 *
 * Plausible range (lo, hi) in the default unit of each parameter: a value
 * outside it cannot be a reading of lake or river water (a wrong word
 * order, scale or offset, a broken instrument), so it is flagged D and
 * never judged, stored as valid or averaged. The bounds are physical,
 * not statistical: concentrations are never negative, pH lies in 0..14,
 * liquid water in -5..50 C; the upper bounds are far above anything
 * surface water reaches (DOMAIN.md 2.3: a high value is not invalid for
 * being high). DO is in mg/L: a sensor in % saturation sets
 * plausible_max (e.g. 500). SD is a depth in m: the clearest lakes
 * measured reach about 40.
 */
static const struct {
	const char	*name;
	const char	*label;
	int		 decimals;
	double		 lo, hi;
} params[PARAM_COUNT] = {
	[PARAM_TP] = { "tp", "TP", 3, 0, 100 },
	[PARAM_TN] = { "tn", "TN", 2, 0, 500 },
	[PARAM_NH3N] = { "nh3n", "NH3-N", 2, 0, 500 },
	[PARAM_CODMN] = { "codmn", "CODMn", 1, 0, 500 },
	[PARAM_DO] = { "do", "DO", 1, 0, 50 },
	[PARAM_PH] = { "ph", "pH", 2, 0, 14 },
	[PARAM_TEMP] = { "temp", "temperature", 1, -5, 50 },
	[PARAM_TURBIDITY] = { "turbidity", "turbidity", 1, 0, 10000 },
	[PARAM_COND] = { "cond", "conductivity", 1, 0, 200000 },
	[PARAM_CHLA] = { "chla", "chl-a", 3, 0, 10000 },
	[PARAM_SD] = { "sd", "SD", 2, 0, 100 },
};

static const struct limits *
table(enum parameter p, enum water_body w)
{
	switch (p) {
	case PARAM_TP:
		return w == WATER_LAKE ? &tp_lake : &tp_river;
	case PARAM_TN:
		return w == WATER_LAKE ? &tn_lake : NULL;
	case PARAM_NH3N:
		return &nh3n;
	case PARAM_CODMN:
		return &codmn;
	case PARAM_DO:
		return &dox;
	default:
		return NULL;
	}
}

int
gb3838_direction(enum parameter p)
{
	if (p == PARAM_DO)
		return -1;
	if (p == PARAM_PH)
		return 0;
	return table(p, WATER_LAKE) != NULL ? 1 : 0;
}

/* 10^0 .. 10^22: exact in a double */
static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};
#define POW10_MAX	22

/* What printf("%.7g") and strtod make of V, the slow way. */
static double
sig7_text(double v)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%.7g", v);
	return strtod(buf, NULL);
}

/*
 * V to 7 significant digits, as sig7_text() but without formatting: it
 * ran for every sample, status.json value and rule check. V is scaled by
 * an exact power of ten to M in [1e6, 1e7) (one rounding, so off from the
 * true product by at most 1.2e-9); where M is not within 1e-6 of a half
 * the true product rounds to the same integer D, and D / 10^k (or
 * D * 10^k) with both exact is one correctly rounded operation: what
 * strtod makes of the digits. Near a half, near a power of ten or out of
 * the exact powers' range, sig7_text() decides.
 */
static double
sig7(double v)
{
	double a = fabs(v), m, d;
	int e, k;

	if (a == 0)
		return v;
	e = (int)floor(log10(a));
	k = 6 - e;
	if (k < -POW10_MAX || k > POW10_MAX)
		return sig7_text(v);
	m = k >= 0 ? a * pow10_exact[k] : a / pow10_exact[-k];
	if (m < 1e6 + 1 || m >= 1e7 - 1 || fabs(m - floor(m) - 0.5) < 1e-6)
		return sig7_text(v);
	d = floor(m + 0.5);
	d = k >= 0 ? d / pow10_exact[k] : d * pow10_exact[-k];
	return v < 0 ? -d : d;
}

double
gb3838_round(double v, int decimals)
{
	double scale, r, f, diff;

	if (!isfinite(v))
		return v;
	v = sig7(v);
	scale = decimals >= 0 && decimals <= POW10_MAX ?
	    pow10_exact[decimals] : pow(10, decimals);
	r = v * scale;
	f = floor(r);
	diff = r - f;
	if (fabs(diff - 0.5) < 1e-7)
		r = fmod(f, 2) == 0 ? f : f + 1;
	else
		r = floor(r + 0.5);
	return r / scale;
}

int
gb3838_decimals(enum parameter p)
{
	return p < PARAM_COUNT ? params[p].decimals : 3;
}

int
gb3838_plausible(enum parameter p, double *lo, double *hi)
{
	if (p >= PARAM_COUNT)
		return -1;
	*lo = params[p].lo;
	*hi = params[p].hi;
	return 0;
}

int
gb3838_limit(enum parameter p, enum water_body w, int cls, double *limit)
{
	const struct limits *t = table(p, w);

	if (t == NULL || cls < 1 || cls > 5)
		return -1;
	*limit = t->v[cls - 1];
	return 0;
}

int
gb3838_class(enum parameter p, enum water_body w, double value, int decimals)
{
	const struct limits *t = table(p, w);
	int dir = gb3838_direction(p), c;

	if (!isfinite(value))
		return 0;
	value = gb3838_round(value, decimals);
	if (p == PARAM_PH)	/* pass/fail: in range counts as Class I */
		return value >= 6 && value <= 9 ? 1 : GB_CLASS_WORSE;
	if (t == NULL)
		return 0;
	for (c = 0; c < 5; c++)
		if (dir > 0 ? value <= t->v[c] : value >= t->v[c])
			return c + 1;
	return GB_CLASS_WORSE;
}

int
gb3838_exceeds(enum parameter p, enum water_body w, int target, double value,
    int decimals)
{
	int c = gb3838_class(p, w, value, decimals);

	return c != 0 && c > target;
}

const char *
gb3838_class_name(int cls)
{
	static const char *const n[] = { "-", "I", "II", "III", "IV", "V",
	    "worse than V" };

	return cls >= 0 && cls <= GB_CLASS_WORSE ? n[cls] : "-";
}

const char *
gb3838_class_name_zh(int cls)
{
	static const char *const n[] = { "-", "Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类",
	    "劣Ⅴ类" };

	return cls >= 0 && cls <= GB_CLASS_WORSE ? n[cls] : "-";
}

int
gb3838_class_parse(const char *s)
{
	static const char *const n[] = { "I", "II", "III", "IV", "V" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcasecmp(s, n[i]) == 0 || (s[0] == '1' + i && s[1] == 0))
			return i + 1;
	return -1;
}

const char *
gb3838_param_name(enum parameter p)
{
	return p < PARAM_COUNT ? params[p].name : "?";
}

const char *
gb3838_param_label(enum parameter p)
{
	return p < PARAM_COUNT ? params[p].label : "?";
}

int
gb3838_param_parse(const char *s)
{
	int i;

	for (i = 0; i < PARAM_COUNT; i++)
		if (strcasecmp(s, params[i].name) == 0)
			return i;
	return -1;
}

const char *
gb3838_water_name(enum water_body w)
{
	return w == WATER_RIVER ? "river" : "lake";
}

int
gb3838_water_parse(const char *s)
{
	if (strcasecmp(s, "lake") == 0 || strcasecmp(s, "reservoir") == 0)
		return WATER_LAKE;
	if (strcasecmp(s, "river") == 0)
		return WATER_RIVER;
	return -1;
}
