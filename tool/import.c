/*
 * import.c: `lakewatch import`: backfill lab or historical results
 * (time,value[,flag]) into the sample log and, where time order allows,
 * the RRD. Every row is checked before anything is written: one bad row
 * and nothing changes. The sample log stays append-only (it is the audit
 * trail): new rows are appended, in time order, to the files of their
 * UTC months; a row whose time is already in the log is skipped.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/log.h"
#include "../lib/rrdcached.h"
#include "../lib/rrdfile.h"
#include "../lib/samplelog.h"
#include "../lib/util.h"
#include "report.h"
#include "tool.h"

#define MAX_SHOWN	20	/* bad rows printed before "... and N more" */
#define BATCH		1024	/* RRD updates per call */
#define FUTURE_SLACK	300	/* s a row may be ahead of the clock */
#define FIRST_TIME	315532800	/* 1980-01-01Z: rrd_create refuses less */
#define VALUE_MAX	1e9	/* |value|, as range_min/range_max allow */

struct imp_row {
	time_t	t;
	double	value;		/* NAN if empty */
	char	flag;
	int	line;
	int	dup;		/* already in the sample log */
};

struct imp {
	const struct conf	 *c;
	const struct conf_sensor *s;
	const char		 *csv;	/* the input, for messages */
	struct imp_row		 *row;
	size_t			  n, cap;
	int			  bad;	/* rows rejected */
	int			  dry;	/* -n: check only */
};

static void bad_row(struct imp *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
bad_row(struct imp *im, int line, const char *fmt, ...)
{
	va_list ap;

	if (im->bad++ >= MAX_SHOWN)
		return;
	fprintf(stderr, "%s:%d: ", im->csv, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Split LINE at commas into at most MAX trimmed fields; the count. */
static int
fields(char *line, char **f, int max)
{
	int n = 0;
	char *p = line, *e;

	for (;;) {
		p += strspn(p, " \t");
		if (n == max)
			return max + 1;
		f[n++] = p;
		e = p + strcspn(p, ",");
		if (*e == '\0') {
			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				*--e = '\0';
			return n;
		}
		*e = '\0';
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		p = e + 1;
	}
}

/* The value field into *V (NAN if empty); 0, or -1 after bad_row. */
static int
parse_value(struct imp *im, const char *s, char flag, int line, double *v)
{
	char *end;

	if (*s == '\0') {
		*v = NAN;
		if (!report_flag_valid(flag))
			return 0;
		bad_row(im, line, "empty value with flag %c (only flagged "
		    "rows may have no value)", flag);
		return -1;
	}
	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || !isfinite(*v)) {
		bad_row(im, line, "bad value '%s'", s);
		return -1;
	}
	/* the daemon's rule (conf_plausible): it would flag this D */
	if (report_flag_valid(flag) && !conf_plausible(im->s, *v)) {
		bad_row(im, line, "value %s with flag %c is outside the "
		    "plausible range %g..%g of %s (plausible_min, "
		    "plausible_max); flag it D to keep it", s, flag,
		    im->s->plausible_min, im->s->plausible_max,
		    gb3838_param_label(im->s->parameter));
		return -1;
	}
	/* any flag: 1e308 is finite, but a mean of two of them is not */
	if (fabs(*v) > VALUE_MAX) {
		bad_row(im, line, "value %s is beyond +-%g", s, VALUE_MAX);
		return -1;
	}
	return 0;
}

static int
parse_flag(struct imp *im, const char *s, int line, char *flag)
{
	*flag = 'N';
	if (s == NULL || *s == '\0')
		return 0;
	*flag = (char)(s[0] & ~0x20);
	if (s[1] == '\0' && samplelog_flag_known(*flag))
		return 0;
	bad_row(im, line, "bad flag '%s' (HJ 212: N, S, M, C, D, F, T or B)",
	    s);
	return -1;
}

static void
imp_add(struct imp *im, const struct imp_row *r)
{
	if (im->n == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 256;
		if ((im->row = reallocarray(im->row, im->cap,
		    sizeof(*im->row))) == NULL)
			fatal("import");
	}
	im->row[im->n++] = *r;
}

/* One line of the input (not blank, not the header). */
static void
parse_line(struct imp *im, char *line, int lineno, time_t now)
{
	struct imp_row r = { .line = lineno };
	const char *why;
	char *f[6];
	int n = fields(line, f, 5);

	if (n < 2 || n > 5) {
		bad_row(im, lineno, "want time,value[,flag] (%d fields)", n);
		return;
	}
	if (parse_rfc3339(f[0], &r.t, &why) == -1) {
		bad_row(im, lineno, "'%s': %s", f[0], why);
		return;
	}
	if (r.t > now + FUTURE_SLACK) {
		bad_row(im, lineno, "'%s' is in the future", f[0]);
		return;
	}
	if (r.t < FIRST_TIME) {
		bad_row(im, lineno, "'%s' is before 1980 (an RRD cannot "
		    "start earlier)", f[0]);
		return;
	}
	if (parse_flag(im, n > 2 ? f[2] : NULL, lineno, &r.flag) == -1 ||
	    parse_value(im, f[1], r.flag, lineno, &r.value) == -1)
		return;
	imp_add(im, &r);
}

/* 1 if LINE is a header: it starts with a letter ("time,value,flag"). */
static int
is_header(const char *line)
{
	return (line[0] >= 'a' && line[0] <= 'z') ||
	    (line[0] >= 'A' && line[0] <= 'Z');
}

static int
read_input(struct imp *im, FILE *fp)
{
	char *line = NULL, *p;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, first = 1;
	time_t now = time(NULL);

	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		/* the string functions below would stop at it silently */
		if (memchr(line, '\0', (size_t)len) != NULL) {
			bad_row(im, lineno, "NUL byte in the line");
			first = 0;
			continue;
		}
		p = line;
		if (lineno == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3;
		p[strcspn(p, "\r\n")] = '\0';
		p += strspn(p, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		if (first && is_header(p)) {
			first = 0;
			continue;
		}
		first = 0;
		parse_line(im, p, lineno, now);
	}
	free(line);
	return ferror(fp) ? -1 : 0;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct imp_row *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->line - y->line;
}

/* Sort by time; a time given twice is an error. */
static void
sort_rows(struct imp *im)
{
	char when[32];
	size_t i;

	if (im->n > 0)
		qsort(im->row, im->n, sizeof(*im->row), cmp_row);
	for (i = 1; i < im->n; i++)
		if (im->row[i].t == im->row[i - 1].t) {
			fmt_rfc3339(im->row[i].t, when, sizeof(when));
			bad_row(im, im->row[i].line, "time %s given twice "
			    "(also at line %d)", when, im->row[i - 1].line);
		}
}

/* ---- the sample log -------------------------------------------------- */

struct times {
	time_t	*t;
	size_t	 n, cap;
};

static void
collect_time(void *arg, const struct samplelog_row *r)
{
	struct times *ts = arg;

	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 1024;
		if ((ts->t = reallocarray(ts->t, ts->cap, sizeof(*ts->t))) ==
		    NULL)
			fatal("import");
	}
	ts->t[ts->n++] = r->t;
}

static int
cmp_time(const void *a, const void *b)
{
	const time_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Mark the rows whose time the sample log already has; how many. */
static int
mark_dups(struct imp *im, int *ndup, char err[LW_ERRLEN])
{
	struct times ts = { 0 };
	size_t i;

	*ndup = 0;
	if (im->n == 0)
		return 0;
	if (samplelog_scan(im->c, im->s->name, im->row[0].t,
	    im->row[im->n - 1].t + 1, collect_time, &ts, err) == -1) {
		free(ts.t);
		return -1;
	}
	if (ts.n > 0)
		qsort(ts.t, ts.n, sizeof(*ts.t), cmp_time);
	for (i = 0; i < im->n; i++)
		if (ts.n && bsearch(&im->row[i].t, ts.t, ts.n, sizeof(*ts.t),
		    cmp_time) != NULL) {
			im->row[i].dup = 1;
			(*ndup)++;
		}
	free(ts.t);
	return 0;
}

/*
 * Append LEN bytes of BUF to NAME in DFD in one write, or nothing. Not
 * through a link, and only to a regular file (a FIFO would block).
 */
static int
append_file(int dfd, const char *name, const char *buf, size_t len)
{
	struct stat st;
	ssize_t w;
	int fd, saved;

	if ((fd = openat(dfd, name, O_WRONLY | O_APPEND | O_CREAT |
	    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0640)) == -1 ||
	    fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (st.st_size == 0) {
		if (write(fd, SAMPLELOG_HEADER, strlen(SAMPLELOG_HEADER)) !=
		    (ssize_t)strlen(SAMPLELOG_HEADER))
			goto fail_cut;
		st.st_size = (off_t)strlen(SAMPLELOG_HEADER);
	}
	if ((w = write(fd, buf, len)) == (ssize_t)len && fdatasync(fd) == 0)
		return close(fd);
	if (w >= 0)
		errno = ENOSPC;
fail_cut:
	saved = errno;
	if (ftruncate(fd, st.st_size) == -1)
		log_warn("%s: cannot cut a short write back", name);
	errno = saved;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	errno = saved;
	return -1;
}

static size_t
format_row(const struct imp_row *r, char *buf, size_t len)
{
	char t[32], v[32] = "";

	fmt_rfc3339(r->t, t, sizeof(t));
	if (isfinite(r->value))
		snprintf(v, sizeof(v), "%.7g", r->value);
	return (size_t)snprintf(buf, len, "%s,%s,%c,,0\n", t, v, r->flag);
}

/* Append the new rows I..J-1 (one UTC month) to their file in DFD. */
static int
write_month(struct imp *im, int dfd, size_t i, size_t j,
    char err[LW_ERRLEN])
{
	char path[PATH_MAX], *buf;
	size_t len = 0, k;
	int rc;

	if ((buf = malloc((j - i) * 96 + 1)) == NULL)
		fatal("import");
	for (k = i; k < j; k++)
		if (!im->row[k].dup)
			len += format_row(&im->row[k], buf + len, 96);
	samplelog_path(im->c, im->s->name, im->row[i].t, path, sizeof(path));
	rc = len ? append_file(dfd, strrchr(path, '/') + 1, buf, len) : 0;
	if (rc == -1)
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
	free(buf);
	return rc;
}

static int
utc_month(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year * 12 + tm.tm_mon;
}

/* Append every new row; the number of files written to, or -1. */
static int
write_log(struct imp *im, char err[LW_ERRLEN])
{
	char sub[PATH_MAX];
	size_t i, j;
	int files = 0, any, dfd;

	snprintf(sub, sizeof(sub), "samples/%s", im->s->name);
	if ((dfd = dir_open_below(im->c->state_dir, sub, 1, 0750)) == -1) {
		snprintf(err, LW_ERRLEN, "%s/%s: %s", im->c->state_dir, sub,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < im->n; i = j) {
		any = 0;
		for (j = i; j < im->n && utc_month(im->row[j].t) ==
		    utc_month(im->row[i].t); j++)
			any |= !im->row[j].dup;
		if (!any)
			continue;
		if (write_month(im, dfd, i, j, err) == -1) {
			close(dfd);
			return -1;
		}
		files++;
	}
	close(dfd);
	return files;
}

/* ---- the RRD --------------------------------------------------------- */

struct batch {
	const char	*path;
	const struct store_ops *ops;	/* librrd or rrdcached */
	void		*be;
	int		 n;
	char		 v[BATCH][48];
	const char	*argv[BATCH];
};

static int
batch_flush(struct batch *b, char err[LW_ERRLEN])
{
	int rc;

	if (b->n == 0)
		return 0;
	rc = b->ops->update(b->be, b->path, b->n, b->argv, err);
	b->n = 0;
	return rc == STORE_OK ? 0 : -1;
}

static int
batch_put(struct batch *b, time_t t, double v, char err[LW_ERRLEN])
{
	if (isfinite(v))
		snprintf(b->v[b->n], sizeof(b->v[0]), "%lld:%.10g",
		    (long long)t, v);
	else
		snprintf(b->v[b->n], sizeof(b->v[0]), "%lld:U", (long long)t);
	b->argv[b->n] = b->v[b->n];
	if (++b->n == BATCH)
		return batch_flush(b, err);
	return 0;
}

struct rrd_count {
	int	written;	/* rows with at least one update */
	int	unknown;	/* of them flagged: written as UNKNOWN */
	int	old;		/* not newer than the last update */
	int	same_step;	/* shared a step with an earlier row */
	time_t	last;		/* the RRD's last update before */
};

/* Made here with librrd, also with rrdcached (as before: it may not see it). */
static int
rrd_create_for(const struct conf_sensor *s, const char *path, time_t start,
    char err[LW_ERRLEN])
{
	char args[RRDFILE_ARGS][64];
	const char *argv[RRDFILE_ARGS];
	int n, i;

	n = rrdfile_args(s, args, RRDFILE_ARGS);
	for (i = 0; i < n; i++)
		argv[i] = args[i];
	return rrdfile_ops.create(NULL, path, (unsigned long)s->interval,
	    start, NULL, n, argv, err) == STORE_OK ? 0 : -1;
}

static int
rrd_dir(const struct conf *c, char err[LW_ERRLEN])
{
	int dfd;

	if ((dfd = dir_open_below(c->state_dir, "rrd", 1, 0750)) == -1) {
		snprintf(err, LW_ERRLEN, "%s/rrd: %s", c->state_dir,
		    strerror(errno));
		return -1;
	}
	close(dfd);
	return 0;
}

/*
 * Row I on the step grid: valid values are held, as the daemon holds the
 * last result, until the next row or for the sensor's stale_after; a
 * flagged row is one UNKNOWN step. *PREV is the last time written.
 */
static int
put_row(struct imp *im, struct batch *b, size_t i, time_t *prev,
    struct rrd_count *cnt, char err[LW_ERRLEN])
{
	const struct imp_row *r = &im->row[i];
	time_t step = im->s->interval, g, end;
	double hold = im->s->alert.stale_after;

	g = (r->t + step - 1) / step * step;
	if (g <= *prev) {
		cnt->same_step++;
		return 0;
	}
	end = r->t + (time_t)(hold > step ? hold : step);
	if (i + 1 < im->n && im->row[i + 1].t < end)
		end = im->row[i + 1].t;
	if (!report_flag_valid(r->flag) || !isfinite(r->value)) {
		end = g + 1;
		cnt->unknown++;
	}
	cnt->written++;
	do {
		if (!im->dry && batch_put(b, g, report_flag_valid(r->flag) ?
		    r->value : NAN, err) == -1)
			return -1;
		*prev = g;
		g += step;
	} while (g < end);
	return 0;
}

/* The first new row the RRD can take, or im->n. */
static size_t
first_new(const struct imp *im, time_t last, struct rrd_count *cnt)
{
	size_t i, first = im->n;

	for (i = 0; i < im->n; i++) {
		if (im->row[i].dup)
			continue;
		if (im->row[i].t <= last)
			cnt->old++;
		else if (first == im->n)
			first = i;
	}
	return first;
}

/*
 * [daemon] station: the file is a name on a central rrdcached, seen,
 * made and read only through it.
 */
static int
rrd_rows_central(struct imp *im, struct batch *b, struct rrd_count *cnt,
    char err[LW_ERRLEN])
{
	char args[RRDFILE_ARGS][64];
	const char *argv[RRDFILE_ARGS];
	time_t prev, step = im->s->interval;
	size_t i, first;
	int probe, n;

	if ((probe = b->ops->probe(b->be, im->s, b->path, err)) !=
	    PROBE_OK && probe != PROBE_MISSING)
		return -1;
	if (probe == PROBE_OK && b->ops->last(b->be, b->path, &cnt->last,
	    err) != STORE_OK)
		return -1;
	if ((first = first_new(im, cnt->last, cnt)) == im->n)
		return 0;
	n = rrdfile_args(im->s, args, RRDFILE_ARGS);
	for (i = 0; i < (size_t)n; i++)
		argv[i] = args[i];
	if (probe == PROBE_MISSING && !im->dry && b->ops->create(b->be,
	    b->path, (unsigned long)step, im->row[first].t - step, NULL, n,
	    argv, err) != STORE_OK)
		return -1;
	prev = cnt->last;
	for (i = first; i < im->n; i++)
		if (!im->row[i].dup &&
		    put_row(im, b, i, &prev, cnt, err) == -1)
			return -1;
	return im->dry ? 0 : batch_flush(b, err);
}

static int
rrd_rows(struct imp *im, struct batch *b, struct rrd_count *cnt,
    char err[LW_ERRLEN])
{
	struct stat st;
	int exists = lstat(b->path, &st) == 0;
	size_t i, first;
	time_t prev;

	if (exists && !S_ISREG(st.st_mode)) {	/* librrd would follow it */
		snprintf(err, LW_ERRLEN, "%s: not a regular file", b->path);
		return -1;
	}
	if (exists && rrdfile_ops.last(NULL, b->path, &cnt->last, err) !=
	    STORE_OK)
		return -1;
	if ((first = first_new(im, cnt->last, cnt)) == im->n)
		return 0;
	if (!exists && !im->dry) {
		if (rrd_dir(im->c, err) == -1 || rrd_create_for(im->s,
		    b->path, im->row[first].t - im->s->interval, err) == -1)
			return -1;
	}
	prev = cnt->last;
	for (i = first; i < im->n; i++)
		if (!im->row[i].dup &&
		    put_row(im, b, i, &prev, cnt, err) == -1)
			return -1;
	return im->dry ? 0 : batch_flush(b, err);
}

static int
write_rrd(struct imp *im, struct rrd_count *cnt, char err[LW_ERRLEN])
{
	const char *addr = rrdcached_address(im->c);
	char path[PATH_MAX];
	struct batch *b;
	int rc;

	memset(cnt, 0, sizeof(*cnt));
	if (im->c->station != NULL && addr == NULL) {
		snprintf(err, LW_ERRLEN, "station '%s': its RRD files are on "
		    "a central rrdcached; set rrdcached =", im->c->station);
		return -1;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("import");
	rrdfile_path(im->c, im->s->name, path, sizeof(path));
	b->path = path;
	b->ops = addr != NULL ? &rrdcached_ops : &rrdfile_ops;
	b->be = addr != NULL ? rrdcached_new(addr) : NULL;
	if ((rc = b->ops->open(b->be, err)) == STORE_OK &&
	    access(path, F_OK) == 0)	/* so the last update is all there */
		rc = b->ops->flush(b->be, path, err);
	if (rc == STORE_OK && (rc = im->c->station != NULL ?
	    rrd_rows_central(im, b, cnt, err) : rrd_rows(im, b, cnt, err)) ==
	    0 &&
	    (im->c->station != NULL || access(path, F_OK) == 0))
		rc = b->ops->flush(b->be, path, err);
	b->ops->close(b->be);
	if (addr != NULL)
		rrdcached_free(b->be);
	free(b);
	return rc == STORE_OK ? 0 : -1;
}

/* ---- the command ------------------------------------------------------ */

static void
say_rrd(const struct imp *im, const struct rrd_count *cnt)
{
	char path[PATH_MAX], when[32];

	rrdfile_path(im->c, im->s->name, path, sizeof(path));
	printf("RRD %s: %d %s %s", path, cnt->written, cnt->written == 1 ?
	    "row" : "rows", im->dry ? "would go in" : "written");
	if (cnt->unknown)
		printf(" (%d flagged, as UNKNOWN)", cnt->unknown);
	printf("\n");
	if (cnt->old) {
		fmt_rfc3339(cnt->last, when, sizeof(when));
		printf("RRD: %d %s not written: older than the RRD's last "
		    "update %s (an RRD cannot go back; the sample log and "
		    "reports have them)\n", cnt->old, cnt->old == 1 ? "row" :
		    "rows", when);
	}
	if (cnt->same_step)
		printf("RRD: %d %s not written: in the same %d s step as an "
		    "earlier row\n", cnt->same_step, cnt->same_step == 1 ?
		    "row" : "rows", im->s->interval);
}

static int
import_run(struct imp *im)
{
	struct rrd_count cnt;
	char err[LW_ERRLEN];
	int ndup, files = 0;

	if (mark_dups(im, &ndup, err) == -1) {
		fprintf(stderr, "lakewatch: %s\n", err);
		return 1;
	}
	printf("%s: %zu %s in %s: %zu new, %d already in the sample log "
	    "(same time: skipped)\n", im->s->name, im->n, im->n == 1 ? "row" :
	    "rows", im->csv, im->n - (size_t)ndup, ndup);
	if (!im->dry && (files = write_log(im, err)) == -1) {
		fprintf(stderr, "lakewatch: %s\n", err);
		return 1;
	}
	printf("sample log: %zu %s %s %d %s under %s/samples/%s\n",
	    im->n - (size_t)ndup, im->n - (size_t)ndup == 1 ? "row" : "rows",
	    im->dry ? "would be appended; files:" : "appended to", files,
	    files == 1 ? "file" : "files", im->c->state_dir, im->s->name);
	if (write_rrd(im, &cnt, err) == -1) {
		fprintf(stderr, "lakewatch: %s (the sample log has the "
		    "rows)\n", err);
		return 1;
	}
	say_rrd(im, &cnt);
	return 0;
}

static int
import_file(struct imp *im)
{
	FILE *fp;
	int rc;

	if ((fp = strcmp(im->csv, "-") == 0 ? stdin :
	    fopen(im->csv, "r")) == NULL) {
		fprintf(stderr, "lakewatch: %s: %s\n", im->csv,
		    strerror(errno));
		return 1;
	}
	rc = read_input(im, fp);
	if (fp != stdin)
		fclose(fp);
	if (rc == -1) {
		fprintf(stderr, "lakewatch: %s: read error\n", im->csv);
		return 1;
	}
	sort_rows(im);
	if (im->bad) {
		if (im->bad > MAX_SHOWN)
			fprintf(stderr, "... and %d more\n",
			    im->bad - MAX_SHOWN);
		fprintf(stderr, "lakewatch: %s: %d bad %s: nothing imported\n",
		    im->csv, im->bad, im->bad == 1 ? "row" : "rows");
		return 1;
	}
	/* the input was read as the caller; state_dir is its owner's */
	if (priv_drop_to_owner(im->c->state_dir) == -1) {
		fprintf(stderr, "lakewatch: %s: cannot become its owner: %s\n",
		    im->c->state_dir, strerror(errno));
		return 1;
	}
	return import_run(im);
}

void
tool_import_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch import [-n] -c FILE SENSOR "
	    "data.csv\n");
}

static int
usage_import(void)
{
	tool_import_usage(stderr);
	return EX_USAGE;
}

int
tool_import(int argc, char **argv)
{
	struct imp im = { 0 };
	const char *file = NULL;
	char err[LW_ERRLEN];
	struct conf *c;
	int ch, idx, rc;

	while ((ch = getopt(argc, argv, "c:n")) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 'n': im.dry = 1; break;
		default: return usage_import();
		}
	}
	if (file == NULL || argc - optind != 2)
		return usage_import();
	if ((c = conf_load(file, err)) == NULL ||
	    report_tz(c->timezone, err) == -1) {
		fprintf(stderr, "%s\n", err);
		rc = c == NULL ? conf_exit_status(file) : EX_CONFIG;
		conf_free(c);
		return rc;
	}
	if ((idx = conf_sensor_find(c, argv[optind])) == -1) {
		fprintf(stderr, "lakewatch: %s: no sensor '%s'\n", file,
		    argv[optind]);
		conf_free(c);
		return 1;
	}
	im.c = c;
	im.s = &c->sensors[idx];
	im.csv = argv[optind + 1];
	rc = import_file(&im);
	free(im.row);
	conf_free(c);
	return rc;
}
