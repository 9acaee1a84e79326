/*
 * ytd.h: the year-to-date risk (issue 12, item 10), shared by `lakewatch
 * report` and the daemon's cumulative alert.
 *
 * The annual mean is the mean of the year's monthly means (the 2011
 * method; the bulletin computes it so): with S the sum of the K monthly
 * means used so far (the completed valid months, and the month in
 * progress with its mean to date, weighted as one month) and R months
 * still to come, each of which will count with its own mean,
 *
 *	year-to-date mean	S / K
 *	annual mean		(S + R x) / (K + R), x the remaining months' mean
 *	required mean		x* = ((K + R) L - S) / R, L the target limit
 *
 * An upper limit (TP, TN, NH3-N, CODMn) needs x <= x*: out of reach if
 * x* < 0 (no concentration is negative). A lower limit (DO) needs
 * x >= x*: never out of reach (x* below 0 means any mean will do: 0).
 * The figure given is x* rounded towards safety at the sensor's
 * decimals (down for an upper limit, up for a lower one), so that
 * holding the printed figure keeps the year within the target. An
 * invalid past month is not in the annual mean, as in the bulletin; the
 * remaining months are assumed valid.
 */
#ifndef LW_YTD_H
#define LW_YTD_H

struct ytd {
	double	mean;		/* S / K; NAN if K = 0 */
	int	months_used;	/* K */
	int	remaining;	/* R */
	double	required;	/* x*; NAN: none to come, out of reach,
				   or no limit */
	int	reachable;	/* 1, 0; -1 no limit or nothing to judge */
};

/*
 * The figures from SUM of K monthly means, REMAINING months to come, the
 * target LIMIT (NAN: none) of direction DIR (gb3838_direction: 1 upper,
 * -1 lower, 0 none) at DECIMALS.
 */
void	ytd_project(double sum, int k, int remaining, double limit, int dir,
	    int decimals, struct ytd *out);

#endif
