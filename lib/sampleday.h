/*
 * sampleday.h: the daily sums of one sample-log month file (samplelog.h),
 * kept beside it as <state_dir>/samples/<sensor>/<YYYY-MM>.days so that a
 * report does not parse again the rows it has already summed.
 *
 * A month file is summed by local day (TZ) the way report_add does it
 * row by row (lib/monthrule.c): rows of any flag, rows with a value from
 * the instrument, valid rows (N or S, finite, within the sensor's
 * plausible range) and the sum of their values, in the order of the
 * file. The day that began before the file's UTC month (east of UTC: the
 * first 8 hours of Beijing's 1st are the UTC month before) keeps its
 * valid values one by one, so that a reader can add them to the sum the
 * file before began and get the very double a row-by-row scan gets.
 *
 * The .days file is a cache: written by whoever reads the month and may
 * write there (never an error if it cannot), read only if it is whole
 * (its SHA-256), of this version, made under the same timezone (the zone
 * file's contents) and plausible range, and of the same month file: the
 * same device, inode, size, mtime and ctime as when it was summed, taken
 * before the rows were read, and not modified within 2 s of that (a
 * change within the file system's timestamp tick would not show). Else
 * the SHA-256 of the bytes it covered is checked against the file: a file
 * only appended to (the daemon, import) is summed from there on; any
 * other is summed anew.
 */
#ifndef LW_SAMPLEDAY_H
#define LW_SAMPLEDAY_H

#include <time.h>

#include "conf.h"

#define SAMPLEDAY_DAYS	366
#define SAMPLEDAY_SKIPS	5	/* skipped line numbers kept */

/* One local day's rows in one month file. */
struct sd_day {
	double	sum;		/* of the valid values, in file order */
	int	nvalid;
	int	nall;		/* rows of any flag */
	int	nobt;		/* rows with a value, not B */
};

/* A month file summed by local day: the local years year0, year0 + 1. */
struct sd_month {
	int		year0;
	struct sd_day	day[2][SAMPLEDAY_DAYS];
	int		head_slot;	/* the day begun in the month before: */
	int		head_yday;	/* -1 if the month starts at midnight */
	double		*raw;		/* its valid values, in file order */
	size_t		nraw, rawcap;
	long		lines;		/* lines read */
	int		nskip;		/* not samples (samplelog_scan) */
	int		skip[SAMPLEDAY_SKIPS];
};

/* What a .days says of the month file it was summed from. */
struct sd_ident {
	unsigned long long dev, ino, size;	/* fstat before the rows */
	long long	mtime_s, mtime_ns, ctime_s, ctime_ns;
	int		racy;		/* changed within 2 s of being read */
	unsigned long long cover;	/* bytes summed: whole lines */
	unsigned char	hash[32];	/* SHA-256 of those bytes */
};

/* Cache use: read the .days, write it. */
#define SAMPLEDAY_READ	0x1
#define SAMPLEDAY_WRITE	0x2

/*
 * Sum the month file of sensor NAME (S: its plausible range, NULL none)
 * of the UTC month that holds T into *M, through the .days cache as FLAGS
 * allow. A missing file is an empty month. Lines that are not samples
 * are counted in M (say them with sampleday_warn). 0, or -1 with err
 * filled (the file cannot be read). sampleday_free() after either.
 */
int	sampleday_load(const struct conf *c, const char *name,
	    const struct conf_sensor *s, time_t t, int flags,
	    struct sd_month *m, char err[LW_ERRLEN]);
void	sampleday_free(struct sd_month *m);
/* log_warnx the lines of M that are not samples, as samplelog_scan. */
void	sampleday_warn(const struct conf *c, const char *name, time_t t,
	    const struct sd_month *m);
/*
 * The .days image of M summed from the file ID under KEY (timezone and
 * plausible range): malloc'd into *BUF, its length returned; and back:
 * 0, or -1 if BUF is not a whole image of this version and KEY (then *M
 * is empty). Exposed for tests.
 */
size_t	sampleday_encode(const struct sd_month *m, const struct sd_ident *id,
	    const unsigned char key[32], unsigned char **buf);
int	sampleday_decode(const unsigned char *buf, size_t len,
	    const unsigned char key[32], struct sd_month *m,
	    struct sd_ident *id);

#endif
