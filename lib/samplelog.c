/* samplelog.c: append-only CSV per sensor and month */
#include <sys/select.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "samplelog.h"
#include "util.h"

/* A row that could not be written yet. */
struct held {
	time_t	 t;
	char	*line;
};

/* Rows dropped within one UTC hour, not yet in <month>.lost. */
struct lost {
	time_t		first, last;
	unsigned long	n;
};

struct slot {
	int		 fd;	/* -1 closed */
	int		 month;	/* year * 12 + month of the open file */
	int		 dirty;	/* written since the last sync */
	int		 down;	/* a failure is logged, not its end */
	struct held	*q;	/* ring of rows held, oldest at head */
	size_t		 head, n, cap;
	struct lost	*lost;
	size_t		 nlost;
	unsigned long	 late, dropped;	/* since down: written, lost */
};

struct samplelog {
	const struct conf	*c;
	struct slot		*s;	/* per sensor */
	size_t			 held;	/* rows held, all sensors ... */
	size_t			 max;	/* ... at most (sample_buffer) */
	uint64_t		 dropped;	/* rows lost */
	int			 full;	/* "buffer full" logged */
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
	l->max = c->sample_buffer > 0 ? (size_t)c->sample_buffer : 0;
	for (i = 0; i < c->nsensor; i++)
		l->s[i].fd = -1;
	return l;
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
	const char *why;
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
	/* a FIFO or device in its place must not hang the core loop */
	if (mkdirs(dir, 0750) == -1 || (sl->fd = open(path, O_WRONLY |
	    O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	    0640)) == -1) {
		why = strerror(errno);	/* a FIFO without a reader: ENXIO */
		snprintf(err, LW_ERRLEN, "%s: %s", path, lstat(path, &st) ==
		    0 && !S_ISREG(st.st_mode) ? "not a regular file" : why);
		return -1;
	}
	if (fstat(sl->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, LW_ERRLEN, "%s: not a regular file", path);
		close(sl->fd);
		sl->fd = -1;
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
		fmt_g(v, 7, buf, len);	/* "%.7g" */
	else
		buf[0] = '\0';
}

/* Write LINE of time T to sensor IDX's file. */
static int
put(struct samplelog *l, int idx, time_t t, const char *line,
    char err[LW_ERRLEN])
{
	if (open_month(l, idx, t, err) == -1)
		return -1;
	if (write_line(l->s[idx].fd, line, strlen(line)) == -1) {
		snprintf(err, LW_ERRLEN, "samples of '%s': %s",
		    l->c->sensors[idx].name, strerror(errno));
		return -1;
	}
	l->s[idx].dirty = 1;
	return 0;
}

void
samplelog_lost_path(const struct conf *c, const char *name, time_t t,
    char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%s/samples/%s/%04d-%02d.lost", c->state_dir, name,
	    tm.tm_year + 1900, tm.tm_mon + 1);
}

/* Append record R of sensor IDX to its month's .lost file, synced. */
static int
save_one(struct samplelog *l, int idx, const struct lost *r)
{
	char path[PATH_MAX], line[96], a[32], b[32];
	struct stat st;
	int fd, rc;

	samplelog_lost_path(l->c, l->c->sensors[idx].name, r->first, path,
	    sizeof(path));
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0640)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	fmt_rfc3339(r->first, a, sizeof(a));
	fmt_rfc3339(r->last, b, sizeof(b));
	snprintf(line, sizeof(line), "%s,%s,%lu\n", a, b, r->n);
	rc = (fstat(fd, &st) == 0 && st.st_size == 0 &&
	    write_line(fd, SAMPLELOG_LOST_HEADER,
	    strlen(SAMPLELOG_LOST_HEADER)) == -1) ||
	    write_line(fd, line, strlen(line)) == -1 || fdatasync(fd) == -1 ?
	    -1 : 0;
	close(fd);
	return rc;
}

/* Record the rows sensor IDX lost; what cannot be saved yet stays. */
static int
save_lost(struct samplelog *l, int idx)
{
	struct slot *sl = &l->s[idx];
	size_t i;

	for (i = 0; i < sl->nlost; i++)
		if (save_one(l, idx, &sl->lost[i]) == -1)
			break;
	memmove(sl->lost, sl->lost + i, (sl->nlost - i) * sizeof(*sl->lost));
	sl->nlost -= i;
	return sl->nlost == 0 ? 0 : -1;
}

/* Count a row of time T of sensor IDX as lost. */
static void
lose(struct samplelog *l, int idx, time_t t)
{
	struct slot *sl = &l->s[idx];
	struct lost *r = sl->nlost ? &sl->lost[sl->nlost - 1] : NULL;

	l->dropped++;
	sl->dropped++;
	/* one record per UTC hour: a report's local days are whole hours */
	if (r != NULL && r->first / 3600 == t / 3600) {
		r->n++;
		if (t > r->last)
			r->last = t;
		return;
	}
	if ((sl->lost = reallocarray(sl->lost, sl->nlost + 1,
	    sizeof(*sl->lost))) == NULL)
		fatal("samplelog");
	sl->lost[sl->nlost++] = (struct lost){ t, t, 1 };
}

/* Keep LINE of time T of sensor IDX until it can be written. */
static void
hold(struct samplelog *l, int idx, time_t t, const char *line)
{
	struct slot *sl = &l->s[idx];
	struct held *q;
	size_t i;

	if (l->held >= l->max) {
		if (!l->full)
			log_warnx("sample log: %zu rows held in memory, the "
			    "most sample_buffer allows: further rows are "
			    "lost (counted in status.json, recorded in "
			    "samples/<sensor>/<month>.lost)", l->held);
		l->full = 1;
		lose(l, idx, t);
		return;
	}
	if (sl->n == sl->cap) {
		if ((q = calloc(sl->cap ? 2 * sl->cap : 16, sizeof(*q))) ==
		    NULL)
			fatal("samplelog");
		for (i = 0; i < sl->n; i++)
			q[i] = sl->q[(sl->head + i) % sl->cap];
		free(sl->q);
		sl->q = q;
		sl->head = 0;
		sl->cap = sl->cap ? 2 * sl->cap : 16;
	}
	q = &sl->q[(sl->head + sl->n) % sl->cap];
	q->t = t;
	if ((q->line = strdup(line)) == NULL)
		fatal("samplelog");
	sl->n++;
	l->held++;
}

/* Write the rows sensor IDX holds, oldest first, until one fails. */
static int
drain(struct samplelog *l, int idx, char err[LW_ERRLEN])
{
	struct slot *sl = &l->s[idx];
	struct held *h;

	while (sl->n > 0) {
		h = &sl->q[sl->head];
		if (put(l, idx, h->t, h->line, err) == -1)
			return -1;
		free(h->line);
		sl->head = (sl->head + 1) % sl->cap;
		sl->n--;
		sl->late++;
		if (--l->held == 0)
			l->full = 0;
	}
	return 0;
}

static void
down(struct samplelog *l, int idx, const char *err)
{
	struct slot *sl = &l->s[idx];

	if (sl->down)
		return;
	log_warnx("sensor '%s': %s; rows held in memory until it can be "
	    "written", l->c->sensors[idx].name, err);
	sl->down = 1;
}

/* Sensor IDX's file takes rows again. */
static void
up(struct samplelog *l, int idx)
{
	struct slot *sl = &l->s[idx];

	if (sl->nlost > 0 && save_lost(l, idx) == -1)
		return;		/* again at the next retry */
	if (!sl->down)
		return;
	if (sl->dropped > 0)
		log_warnx("sensor '%s': sample log written again; %lu rows "
		    "held were written, %lu were lost (recorded in its "
		    ".lost file)", l->c->sensors[idx].name, sl->late,
		    sl->dropped);
	else
		log_info("sensor '%s': sample log written again; %lu rows "
		    "held were written", l->c->sensors[idx].name, sl->late);
	sl->down = 0;
	sl->late = sl->dropped = 0;
}

int
samplelog_append(struct samplelog *l, const struct sample *s,
    char err[LW_ERRLEN])
{
	char line[160], v[32], raw[32];
	time_t when = s->mtime > 0 ? (time_t)s->mtime : s->t;
	struct slot *sl = &l->s[s->idx];

	if (when != l->t || l->ts[0] == '\0') {	/* a poll's share one */
		fmt_rfc3339(when, l->ts, sizeof(l->ts));
		l->t = when;
	}
	num(v, sizeof(v), s->value);
	num(raw, sizeof(raw), s->raw);
	snprintf(line, sizeof(line), "%s,%s,%c,%s,%u\n", l->ts, v, s->flag,
	    raw, s->status);
	if (sl->n == 0) {
		if (put(l, s->idx, when, line, err) == -1) {
			hold(l, s->idx, when, line);
			down(l, s->idx, err);
			return -1;
		}
	} else {
		hold(l, s->idx, when, line);	/* after the others */
		if (drain(l, s->idx, err) == -1) {
			down(l, s->idx, err);
			return -1;
		}
	}
	if (sl->down || sl->nlost > 0)
		up(l, s->idx);
	return 0;
}

void
samplelog_retry(struct samplelog *l)
{
	char err[LW_ERRLEN];
	size_t i;

	for (i = 0; i < l->c->nsensor; i++)
		if ((l->s[i].n > 0 || l->s[i].nlost > 0) &&
		    drain(l, (int)i, err) == 0)
			up(l, (int)i);
}

void
samplelog_stats(const struct samplelog *l, size_t *held, uint64_t *dropped)
{
	*held = l->held;
	*dropped = l->dropped;
}

void
samplelog_adopt(struct samplelog *l, struct samplelog *old)
{
	struct slot *a, *b, t;
	size_t i;
	int j;

	for (i = 0; i < l->c->nsensor; i++) {
		if ((j = conf_sensor_find(old->c,
		    l->c->sensors[i].name)) == -1)
			continue;
		a = &l->s[i];
		b = &old->s[j];
		old->held -= b->n;
		l->held += b->n;
		t = *a;		/* the file stays with its log */
		*a = *b;
		a->fd = t.fd;
		a->month = t.month;
		a->dirty = t.dirty;
		b->q = t.q;
		b->lost = t.lost;
		b->head = b->n = b->cap = b->nlost = 0;
		b->down = 0;
	}
	l->dropped += old->dropped;
	old->dropped = 0;
	l->full = l->held >= l->max && l->held > 0;
}

/* At the end: what sensor IDX still holds is lost. */
static void
give_up(struct samplelog *l, int idx)
{
	struct slot *sl = &l->s[idx];
	struct held *h;
	size_t n = sl->n;

	while (sl->n > 0) {
		h = &sl->q[sl->head];
		lose(l, idx, h->t);
		free(h->line);
		sl->head = (sl->head + 1) % sl->cap;
		sl->n--;
		l->held--;
	}
	if (sl->nlost == 0)
		return;
	if (save_lost(l, idx) == -1)
		log_warnx("sensor '%s': %zu rows of the sample log could not "
		    "be written, nor the record of rows lost",
		    l->c->sensors[idx].name, n);
	else if (n > 0)
		log_warnx("sensor '%s': %zu rows of the sample log could not "
		    "be written (recorded in its .lost file)",
		    l->c->sensors[idx].name, n);
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

void
samplelog_free(struct samplelog *l)
{
	size_t i;

	if (l == NULL)
		return;
	samplelog_retry(l);
	for (i = 0; i < l->c->nsensor; i++)
		give_up(l, (int)i);
	samplelog_sync(l);
	for (i = 0; i < l->c->nsensor; i++) {
		if (l->s[i].fd != -1)
			close(l->s[i].fd);
		free(l->s[i].q);
		free(l->s[i].lost);
	}
	free(l->s);
	free(l);
}

