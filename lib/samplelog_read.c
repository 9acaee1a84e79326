/*
 * samplelog_read.c: reading the sample log back (samplelog.h): the rows
 * of the month files and the records of rows lost, for report, import,
 * graph and dashboard. The writer is samplelog.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "samplelog.h"
#include "util.h"

#define SKIP_SHOWN	5	/* skipped lines named per file */

int
samplelog_flag_known(char flag)
{
	return flag != '\0' && strchr("NFMSDCTB", flag) != NULL;
}

/* "time,value,flag[,...]" into *R; 0, or -1 (header, torn or bad). */
static int
parse_logline(char *line, struct samplelog_row *r)
{
	char *v, *f, *end;
	const char *why;

	if ((v = strchr(line, ',')) == NULL)
		return -1;
	*v++ = '\0';
	if ((f = strchr(v, ',')) == NULL)
		return -1;
	*f++ = '\0';
	if (parse_rfc3339(line, &r->t, &why) == -1)
		return -1;
	if (*v == '\0')
		r->value = NAN;
	else {
		r->value = strtod(v, &end);
		if (end == v || *end != '\0' || !isfinite(r->value))
			return -1;	/* the log writes none as empty */
	}
	r->flag = f[0];
	return samplelog_flag_known(r->flag) ? 0 : -1;
}

int
samplelog_parse_line(char *line, size_t len, struct samplelog_row *r)
{
	if (memchr(line, '\0', len) != NULL)
		return -1;	/* a NUL cut it: not a sample */
	line[strcspn(line, "\r\n")] = '\0';
	return parse_logline(line, r);
}

void
samplelog_say_skipped(const char *path, int n, const int *line, int shown)
{
	char list[SKIP_SHOWN * 12] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < shown && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
		    "%s%d", i ? ", " : "", line[i]);
	log_warnx("%s: %d %s skipped, not time,value,flag,raw,status: "
	    "line %s%s", path, n, n == 1 ? "line" : "lines", list,
	    n > shown ? ", ..." : "");
}

/* PATH's file in DFD, not through a link; NULL with errno set. */
static FILE *
open_month(int dfd, const char *path)
{
	FILE *fp;
	int fd;

	if ((fd = openat(dfd, strrchr(path, '/') + 1, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC)) == -1)
		return NULL;
	if ((fp = fdopen(fd, "r")) == NULL)
		close(fd);
	return fp;
}

static int
scan_file(int dfd, const char *path, time_t from, time_t to,
    void (*fn)(void *, const struct samplelog_row *), void *arg,
    char err[LW_ERRLEN])
{
	struct samplelog_row r;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int no = 0, nskip = 0, skip[SKIP_SHOWN];
	FILE *fp;

	if ((fp = open_month(dfd, path)) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		no++;
		if (no == 1 && strcmp(line, SAMPLELOG_HEADER) == 0)
			continue;
		if (samplelog_parse_line(line, (size_t)len, &r) == -1) {
			if (nskip < SKIP_SHOWN)
				skip[nskip] = no;
			nskip++;
		} else if (r.t >= from && r.t < to)
			fn(arg, &r);
	}
	free(line);
	fclose(fp);
	if (nskip > 0)
		samplelog_say_skipped(path, nskip, skip,
		    nskip < SKIP_SHOWN ? nskip : SKIP_SHOWN);
	return 0;
}

/* The start of the UTC month after the one of T. */
static time_t
next_month(time_t t)
{
	struct tm tm;
	int y, m;

	gmtime_r(&t, &tm);
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	if (++m > 12) {
		m = 1;
		y++;
	}
	return (time_t)days_civil(y, m, 1) * 86400;
}

int
samplelog_dir_open(const struct conf *c, const char *name,
    char err[LW_ERRLEN])
{
	char path[PATH_MAX];
	int dfd;

	snprintf(path, sizeof(path), "samples/%s", name);
	if ((dfd = dir_open_below(c->state_dir, path, 0, 0)) == -1) {
		if (errno == ENOENT)
			return -2;
		snprintf(err, LW_ERRLEN, "%s/%s: %s", c->state_dir, path,
		    strerror(errno));
		return -1;
	}
	return dfd;
}

int
samplelog_scan(const struct conf *c, const char *name, time_t from,
    time_t to, void (*fn)(void *, const struct samplelog_row *), void *arg,
    char err[LW_ERRLEN])
{
	char path[PATH_MAX];
	time_t t;
	int dfd;

	if (to <= from)
		return 0;
	if ((dfd = samplelog_dir_open(c, name, err)) < 0)
		return dfd == -2 ? 0 : -1;
	for (t = from; t < to; t = next_month(t)) {
		samplelog_path(c, name, t, path, sizeof(path));
		if (scan_file(dfd, path, from, to, fn, arg, err) == -1) {
			close(dfd);
			return -1;
		}
	}
	close(dfd);
	return 0;
}

#define TAIL_BYTES	65536	/* of a month file, for its latest rows */

/* samplelog_scan's FN: keep the row (rows come in time order) */
static void
keep_last(void *arg, const struct samplelog_row *r)
{
	struct samplelog_row *out = arg;

	if (isnan(out->value) || r->t >= out->t)
		*out = *r;
}

/*
 * The latest row in [FROM, TO) of the last TAIL_BYTES of the month file
 * PATH: 1; 0 if none and the tail holds every row from FROM on (the file
 * start, or an older row, is in it); -1 if it cannot tell.
 */
static int
tail_last(int dfd, const char *path, time_t from, time_t to,
    struct samplelog_row *out)
{
	struct samplelog_row r;
	struct stat st;
	char *buf, *line, *nl;
	off_t off;
	ssize_t n;
	int fd, found = 0, covered;

	if ((fd = openat(dfd, strrchr(path, '/') + 1, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) == -1 || (buf = malloc(TAIL_BYTES + 1)) == NULL) {
		close(fd);
		return -1;
	}
	off = st.st_size > TAIL_BYTES ? st.st_size - TAIL_BYTES : 0;
	n = pread(fd, buf, TAIL_BYTES, off);
	close(fd);
	if (n < 0) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	covered = off == 0;
	line = buf;
	if (off > 0 && (line = strchr(buf, '\n')) != NULL)
		line++;			/* a line cut by the window */
	for (; line != NULL && *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if (parse_logline(line, &r) == -1)
			continue;
		if (r.t < from)
			covered = 1;
		else if (r.t < to && (!found || r.t >= out->t)) {
			*out = r;
			found = 1;
		}
	}
	free(buf);
	return found ? 1 : covered ? 0 : -1;
}

int
samplelog_last(const struct conf *c, const char *name, time_t from,
    time_t to, struct samplelog_row *r, char err[LW_ERRLEN])
{
	char path[PATH_MAX];
	int dfd, rc;

	if (to <= from)
		return 0;
	if ((dfd = samplelog_dir_open(c, name, err)) < 0)
		return dfd == -2 ? 0 : -1;
	samplelog_path(c, name, to - 1, path, sizeof(path));
	rc = tail_last(dfd, path, from, to, r);
	close(dfd);
	/* the interval began in the month before, or the tail is too short */
	if (rc == 1 || (rc == 0 && next_month(from) > to - 1))
		return rc;
	r->value = NAN;
	r->t = 0;
	if (samplelog_scan(c, name, from, to, keep_last, r, err) == -1)
		return -1;
	return r->t != 0;
}

/*
 * FN for each "first,last,rows" record of PATH (opened in DFD, not
 * through a link) with FROM <= first < TO.
 */
static int
scan_lost(int dfd, const char *path, time_t from, time_t to,
    void (*fn)(void *, time_t, long), void *arg, char err[LW_ERRLEN])
{
	char *line = NULL, *comma;
	const char *why;
	struct stat st;
	size_t cap = 0;
	long n;
	time_t t;
	FILE *fp;
	int fd;

	if ((fd = openat(dfd, strrchr(path, '/') + 1, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		return -1;
	}
	fp = NULL;
	if (fstat(fd, &st) == 0) {
		if (S_ISREG(st.st_mode))
			fp = fdopen(fd, "r");
		else
			errno = EINVAL;	/* a FIFO, a device: not ours */
	}
	if (fp == NULL) {
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	while (getline(&line, &cap, fp) != -1) {
		if ((comma = strchr(line, ',')) == NULL ||
		    (*comma = '\0', parse_rfc3339(line, &t, &why)) == -1 ||
		    (comma = strchr(comma + 1, ',')) == NULL ||
		    (n = strtol(comma + 1, NULL, 10)) <= 0)
			continue;	/* the header, or torn */
		if (t >= from && t < to)
			fn(arg, t, n);
	}
	free(line);
	fclose(fp);
	return 0;
}

int
samplelog_scan_lost(const struct conf *c, const char *name, time_t from,
    time_t to, void (*fn)(void *, time_t first, long rows), void *arg,
    char err[LW_ERRLEN])
{
	char path[PATH_MAX];
	time_t t;
	int dfd, rc = 0;

	if (to <= from)
		return 0;
	if ((dfd = samplelog_dir_open(c, name, err)) < 0)
		return dfd == -2 ? 0 : -1;
	for (t = from; rc == 0 && t < to; t = next_month(t)) {
		samplelog_lost_path(c, name, t, path, sizeof(path));
		rc = scan_lost(dfd, path, from, to, fn, arg, err);
	}
	close(dfd);
	return rc;
}
