/* samplelog.c: append-only CSV per sensor and month */
#include <sys/select.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "samplelog.h"
#include "util.h"

struct slot {
	int	fd;	/* -1 closed */
	int	month;	/* year * 12 + month of the open file */
	int	dirty;	/* written since the last sync */
};

struct samplelog {
	const struct conf	*c;
	struct slot		*s;	/* per sensor */
	time_t			 t;	/* the time last formatted ... */
	char			 ts[32];	/* ... as RFC 3339 */
};

struct samplelog *
samplelog_new(const struct conf *c)
{
	struct samplelog *l;
	size_t i;

	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->s = calloc(c->nsensor + 1, sizeof(*l->s))) == NULL)
		fatal("samplelog");
	l->c = c;
	for (i = 0; i < c->nsensor; i++)
		l->s[i].fd = -1;
	return l;
}

void
samplelog_free(struct samplelog *l)
{
	size_t i;

	if (l == NULL)
		return;
	samplelog_sync(l);
	for (i = 0; i < l->c->nsensor; i++)
		if (l->s[i].fd != -1)
			close(l->s[i].fd);
	free(l->s);
	free(l);
}

void
samplelog_path(const struct conf *c, const char *name, time_t t, char *buf,
    size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%s/samples/%s/%04d-%02d.csv", c->state_dir, name,
	    tm.tm_year + 1900, tm.tm_mon + 1);
}

/*
 * Write all of BUF or nothing: a short write (a full disk) is cut back.
 * The file is O_APPEND and only this process writes it, so what the
 * short write added is the last N bytes.
 */
static int
write_line(int fd, const char *buf, size_t len)
{
	struct stat st;
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0) {
		if (n > 0 && (fstat(fd, &st) == -1 ||
		    ftruncate(fd, st.st_size - n) == -1))
			log_warn("samplelog: cannot cut a short write back");
		errno = ENOSPC;
	}
	return -1;
}

/*
 * libmodbus waits with select(2), which cannot take a descriptor of
 * FD_SETSIZE or more: keep the log files, open for long, above that so
 * the bus sockets get the low numbers. Where the limit does not allow
 * it, the low descriptor is kept.
 */
static int
fd_high(int fd)
{
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, FD_SETSIZE);

	if (hi == -1)
		return fd;
	close(fd);
	return hi;
}

static int
open_month(struct samplelog *l, int idx, time_t t, char err[LW_ERRLEN])
{
	struct slot *sl = &l->s[idx];
	char path[PATH_MAX], dir[PATH_MAX];
	struct tm tm;
	struct stat st;
	int month;

	gmtime_r(&t, &tm);
	month = (tm.tm_year + 1900) * 12 + tm.tm_mon;
	if (sl->fd != -1 && sl->month == month)
		return 0;
	if (sl->fd != -1) {
		fdatasync(sl->fd);
		close(sl->fd);
		sl->fd = -1;
	}
	snprintf(dir, sizeof(dir), "%s/samples/%s", l->c->state_dir,
	    l->c->sensors[idx].name);
	samplelog_path(l->c, l->c->sensors[idx].name, t, path, sizeof(path));
	if (mkdirs(dir, 0750) == -1 || (sl->fd = open(path, O_WRONLY |
	    O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640)) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		return -1;
	}
	sl->fd = fd_high(sl->fd);
	if (fstat(sl->fd, &st) == 0 && st.st_size == 0 &&
	    write_line(sl->fd, SAMPLELOG_HEADER,
	    strlen(SAMPLELOG_HEADER)) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		close(sl->fd);
		sl->fd = -1;
		return -1;
	}
	sl->month = month;
	return 0;
}

static void
num(char *buf, size_t len, double v)
{
	if (isfinite(v))
		snprintf(buf, len, "%.7g", v);
	else
		buf[0] = '\0';
}

int
samplelog_append(struct samplelog *l, const struct sample *s,
    char err[LW_ERRLEN])
{
	char line[160], v[32], raw[32];
	time_t when = s->mtime > 0 ? (time_t)s->mtime : s->t;
	int n;

	if (open_month(l, s->idx, when, err) == -1)
		return -1;
	if (when != l->t || l->ts[0] == '\0') {	/* a poll's share one */
		fmt_rfc3339(when, l->ts, sizeof(l->ts));
		l->t = when;
	}
	num(v, sizeof(v), s->value);
	num(raw, sizeof(raw), s->raw);
	n = snprintf(line, sizeof(line), "%s,%s,%c,%s,%u\n", l->ts, v,
	    s->flag, raw, s->status);
	if (write_line(l->s[s->idx].fd, line, (size_t)n) == -1) {
		snprintf(err, LW_ERRLEN, "samples of '%s': %s",
		    l->c->sensors[s->idx].name, strerror(errno));
		return -1;
	}
	l->s[s->idx].dirty = 1;
	return 0;
}

void
samplelog_sync(struct samplelog *l)
{
	size_t i;

	for (i = 0; i < l->c->nsensor; i++)
		if (l->s[i].fd != -1 && l->s[i].dirty) {
			fdatasync(l->s[i].fd);
			l->s[i].dirty = 0;
		}
}
