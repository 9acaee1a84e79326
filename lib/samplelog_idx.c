/*
 * samplelog_idx.c: the rows of a period of a sample log without parsing
 * the month (samplelog_idx.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "samplelog.h"
#include "samplelog_idx.h"
#include "util.h"

#define SLIDX_FILES	2	/* month files kept: this one, the one before */
#define SIG_LEN		64	/* last bytes read, to see a file rewritten */
#define RD_CHUNK	65536
#define SEEK_LINEAR	8192	/* bytes read line by line, not searched */
#define SKIP_SHOWN	5

/* Rows in time order: [off, end) of the file, times first..last. */
struct slrun {
	off_t	off, end;
	time_t	first, last;
};

struct slfile {
	time_t		month;		/* its UTC month's start; 0 unused */
	dev_t		dev;
	ino_t		ino;
	off_t		end;		/* read so far: whole lines */
	long		lines;
	int		nrun;		/* -1: too many, read whole */
	struct slrun	run[SLIDX_RUNS];
	unsigned char	sig[SIG_LEN];	/* the bytes before end */
	size_t		nsig;
	unsigned long	used;
};

struct slidx {
	struct slfile	f[SLIDX_FILES];
	unsigned long	clock;
	unsigned long	parsed;
};

/* Lines of a file from an offset, read in chunks with pread. */
struct lrd {
	int	 fd;
	off_t	 base;		/* file offset of buf[0] */
	off_t	 lim;
	char	*buf;
	size_t	 cap, len, at;
};

struct slidx *
slidx_new(void)
{
	return calloc(1, sizeof(struct slidx));
}

void
slidx_free(struct slidx *x)
{
	free(x);
}

unsigned long
slidx_parsed(const struct slidx *x)
{
	return x->parsed;
}

static void
lrd_init(struct lrd *rd, int fd, off_t off, off_t lim)
{
	memset(rd, 0, sizeof(*rd));
	rd->fd = fd;
	rd->base = off;
	rd->lim = lim;
}

/*
 * The next whole line before LIM, NUL in place of its newline: 1 with
 * *LINE, *LEN (without the newline) and *OFF; 0 at LIM or at a last line
 * without its newline (*OFF is where it starts); -1 (errno set).
 */
static int
lrd_next(struct lrd *rd, char **line, size_t *len, off_t *off)
{
	char *nl, *p;
	ssize_t n;
	size_t want;

	for (;;) {
		*off = rd->base + (off_t)rd->at;
		nl = rd->len > rd->at ? memchr(rd->buf + rd->at, '\n',
		    rd->len - rd->at) : NULL;
		if (nl != NULL) {
			*line = rd->buf + rd->at;
			*len = (size_t)(nl - *line);
			*nl = '\0';
			rd->at += *len + 1;
			return 1;
		}
		/* keep the partial line, read more after it */
		if (rd->at > 0)
			memmove(rd->buf, rd->buf + rd->at, rd->len - rd->at);
		rd->base += (off_t)rd->at;
		rd->len -= rd->at;
		rd->at = 0;
		if (rd->base + (off_t)rd->len >= rd->lim)
			return 0;
		if (rd->len == rd->cap) {
			rd->cap = rd->cap ? 2 * rd->cap : RD_CHUNK;
			if ((p = realloc(rd->buf, rd->cap + 1)) == NULL)
				return -1;
			rd->buf = p;
		}
		want = rd->cap - rd->len;
		if ((off_t)want > rd->lim - rd->base - (off_t)rd->len)
			want = (size_t)(rd->lim - rd->base - (off_t)rd->len);
		n = pread(rd->fd, rd->buf + rd->len, want,
		    rd->base + (off_t)rd->len);
		if (n == -1)
			return -1;
		if (n == 0)
			return 0;
		rd->len += (size_t)n;
	}
}

/* The start of the UTC month of T, and of the one after it. */
static time_t
month_of(time_t t, time_t *next)
{
	struct tm tm;
	int y, m;

	gmtime_r(&t, &tm);
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	*next = (time_t)days_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1,
	    1) * 86400;
	return (time_t)days_civil(y, m, 1) * 86400;
}

/* The slot of MONTH: kept, or the least recently used one emptied. */
static struct slfile *
slot(struct slidx *x, time_t month)
{
	struct slfile *f = &x->f[0];
	int i;

	for (i = 0; i < SLIDX_FILES; i++) {
		if (x->f[i].month == month) {
			f = &x->f[i];
			goto found;
		}
		if (x->f[i].used < f->used)
			f = &x->f[i];
	}
	memset(f, 0, sizeof(*f));
	f->month = month;
found:
	f->used = ++x->clock;
	return f;
}

/* 1 if the file is still the one F read: same bytes before F->end. */
static int
same_file(const struct slfile *f, int fd, const struct stat *st)
{
	unsigned char b[SIG_LEN];

	if (f->dev != st->st_dev || f->ino != st->st_ino ||
	    st->st_size < f->end)
		return 0;
	return f->nsig == 0 || (pread(fd, b, f->nsig, f->end -
	    (off_t)f->nsig) == (ssize_t)f->nsig &&
	    memcmp(b, f->sig, f->nsig) == 0);
}

/* The row at OFF..NEXT: the run it ends, or a new run. */
static void
run_add(struct slfile *f, const struct samplelog_row *r, off_t off,
    off_t next, const char *path)
{
	struct slrun *u;

	if (f->nrun < 0)
		return;
	if (f->nrun > 0 && r->t >= f->run[f->nrun - 1].last) {
		u = &f->run[f->nrun - 1];
		u->end = next;
		u->last = r->t;
		return;
	}
	if (f->nrun == SLIDX_RUNS) {
		log_info("%s: rows out of time order in more than %d places: "
		    "read whole for each period", path, SLIDX_RUNS);
		f->nrun = -1;
		return;
	}
	u = &f->run[f->nrun++];
	u->off = off;
	u->end = next;
	u->first = u->last = r->t;
}

/*
 * Read what was appended to F since F->end (whole lines), extending its
 * runs; name the lines that are not samples as samplelog_scan does.
 */
static int
index_more(struct slidx *x, struct slfile *f, int fd, off_t size,
    const char *path)
{
	struct samplelog_row r;
	struct lrd rd;
	char *line;
	size_t len;
	off_t off;
	int rc, nskip = 0, skip[SKIP_SHOWN];

	lrd_init(&rd, fd, f->end, size);
	while ((rc = lrd_next(&rd, &line, &len, &off)) == 1) {
		f->lines++;
		f->end = off + (off_t)len + 1;
		if (f->lines == 1 && len + 1 == strlen(SAMPLELOG_HEADER) &&
		    memcmp(line, SAMPLELOG_HEADER, len) == 0)
			continue;
		x->parsed++;
		if (samplelog_parse_line(line, len, &r) == 0)
			run_add(f, &r, off, f->end, path);
		else {
			if (nskip < SKIP_SHOWN)
				skip[nskip] = (int)f->lines;
			nskip++;
		}
	}
	free(rd.buf);
	if (nskip > 0)
		samplelog_say_skipped(path, nskip, skip,
		    nskip < SKIP_SHOWN ? nskip : SKIP_SHOWN);
	if (rc == -1)
		return -1;
	f->nsig = f->end < SIG_LEN ? (size_t)f->end : SIG_LEN;
	if (pread(fd, f->sig, f->nsig, f->end - (off_t)f->nsig) !=
	    (ssize_t)f->nsig)
		f->nsig = 0;
	return 0;
}

/*
 * FN for the rows of [OFF, LIM) with FROM <= t < TO; SORTED: stop at the
 * first row at or after TO. A last line without its newline is read too.
 */
static int
feed(struct slidx *x, int fd, off_t off, off_t lim, time_t from, time_t to,
    int sorted, void (*fn)(void *, const struct samplelog_row *), void *arg)
{
	struct samplelog_row r;
	struct lrd rd;
	char *line;
	size_t len;
	int rc;

	lrd_init(&rd, fd, off, lim);
	while ((rc = lrd_next(&rd, &line, &len, &off)) == 1) {
		x->parsed++;
		if (samplelog_parse_line(line, len, &r) == -1)
			continue;
		if (r.t >= to && sorted)
			break;
		if (r.t >= from && r.t < to)
			fn(arg, &r);
	}
	if (rc == 0 && rd.len > rd.at) {	/* being written */
		line = rd.buf + rd.at;
		len = rd.len - rd.at;
		line[len] = '\0';
		x->parsed++;
		if (samplelog_parse_line(line, len, &r) == 0 &&
		    r.t >= from && r.t < to)
			fn(arg, &r);
	}
	free(rd.buf);
	return rc == -1 ? -1 : 0;
}

/*
 * In run U, the start of a line before which every row is older than
 * FROM, close to the first row at FROM or later: a binary search by
 * byte offset, each probe the first sample line after its offset.
 */
static off_t
seek_from(struct slidx *x, int fd, const struct slrun *u, time_t from)
{
	struct samplelog_row r;
	struct lrd rd;
	char *line;
	size_t len;
	off_t lo = u->off, hi = u->end, mid, off;
	int found;

	r.t = 0;
	if (u->first >= from)
		return u->off;
	while (hi - lo > SEEK_LINEAR) {
		mid = lo + (hi - lo) / 2;
		lrd_init(&rd, fd, mid - 1, hi);
		/* the line cut at mid - 1 (its newline, if mid starts one) */
		if (lrd_next(&rd, &line, &len, &off) != 1) {
			free(rd.buf);
			break;
		}
		found = 0;
		while (lrd_next(&rd, &line, &len, &off) == 1) {
			x->parsed++;
			if (samplelog_parse_line(line, len, &r) == 0) {
				found = 1;
				break;
			}
		}
		free(rd.buf);
		if (!found)		/* no sample in [mid, hi) */
			hi = mid;
		else if (r.t < from)
			lo = off + (off_t)len + 1;
		else
			hi = off;
	}
	return lo;
}

static int
scan_month(struct slidx *x, int dfd, const char *path, time_t month,
    time_t from, time_t to, void (*fn)(void *, const struct samplelog_row *),
    void *arg, char err[LW_ERRLEN])
{
	struct slfile *f;
	struct stat st;
	int fd, i, rc = 0;

	if ((fd = openat(dfd, strrchr(path, '/') + 1, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		return -1;
	}
	f = slot(x, month);
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!same_file(f, fd, &st)) {
		memset(f, 0, sizeof(*f));
		f->month = month;
		f->used = x->clock;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
	}
	if (index_more(x, f, fd, st.st_size, path) == -1)
		goto fail;
	if (f->nrun < 0)
		rc = feed(x, fd, 0, f->end, from, to, 0, fn, arg);
	for (i = 0; i < f->nrun && rc == 0; i++)
		if (f->run[i].last >= from && f->run[i].first < to)
			rc = feed(x, fd, seek_from(x, fd, &f->run[i], from),
			    f->run[i].end, from, to, 1, fn, arg);
	/* a last line being written: as samplelog_scan would read it */
	if (rc == 0 && st.st_size > f->end)
		rc = feed(x, fd, f->end, st.st_size, from, to, 0, fn, arg);
	if (rc == -1)
		goto fail;
	close(fd);
	return 0;
fail:
	snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
	memset(f, 0, sizeof(*f));	/* read anew next time */
	close(fd);
	return -1;
}

int
slidx_scan(struct slidx *x, const struct conf *c, const char *name,
    time_t from, time_t to, void (*fn)(void *, const struct samplelog_row *),
    void *arg, char err[LW_ERRLEN])
{
	char path[PATH_MAX];
	time_t t, month, next;
	int dfd;

	if (to <= from)
		return 0;
	if ((dfd = samplelog_dir_open(c, name, err)) < 0)
		return dfd == -2 ? 0 : -1;
	for (t = from; t < to; t = next) {
		month = month_of(t, &next);
		samplelog_path(c, name, t, path, sizeof(path));
		if (scan_month(x, dfd, path, month, from, to, fn, arg,
		    err) == -1) {
			close(dfd);
			return -1;
		}
	}
	close(dfd);
	return 0;
}
