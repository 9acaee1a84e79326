/* ytd.c: the year-to-date risk arithmetic (ytd.h); pure */
#include <math.h>

#include "gb3838.h"
#include "ytd.h"

/* X rounded down (DIR > 0) or up at DECIMALS, past float noise. */
static double
towards_safety(double x, int dir, int decimals)
{
	double p = pow(10, decimals);

	return dir > 0 ? floor(x * p + 1e-6) / p : ceil(x * p - 1e-6) / p;
}

/* 1 if MEAN, rounded to DECIMALS, is within LIMIT of direction DIR. */
static int
within(double mean, double limit, int dir, int decimals)
{
	double v = gb3838_round(mean, decimals);

	return dir > 0 ? v <= limit : v >= limit;
}

void
ytd_project(double sum, int k, int remaining, double limit, int dir,
    int decimals, struct ytd *out)
{
	double x;

	out->months_used = k;
	out->remaining = remaining;
	out->mean = k > 0 ? sum / k : NAN;
	out->required = NAN;
	out->reachable = -1;
	if (isnan(limit) || dir == 0)
		return;
	if (remaining <= 0) {
		if (k > 0)
			out->reachable = within(out->mean, limit, dir,
			    decimals);
		return;
	}
	x = ((k + remaining) * limit - sum) / remaining;
	if (dir > 0 && x < 0) {
		out->reachable = 0;
		return;
	}
	out->reachable = 1;
	out->required = towards_safety(x < 0 ? 0 : x, dir, decimals);
}
