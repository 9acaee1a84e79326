/*
 * store.c: RRD files through librrd or rrdcached, behind a bounded buffer
 *
 * The buffer is one ring of values in the order they were accepted; each
 * file threads its own entries through it (head .. tail) and marks the
 * first one not yet sent (pend). Values stay in the ring after they are
 * sent and only leave when newer ones push them out, so after rrdcached
 * comes back (it may have lost what it had not journaled) each file is
 * re-synchronised with LAST and whatever is newer is sent again.
 *
 * librrd 1.7.2 as packaged by Debian exports only the rrdc_* calls, which
 * share one connection per process and never time out; a stuck rrdcached
 * would stop the core loop (and with it the alerts). The protocol is a
 * few lines of text, so this file speaks it itself (rrdcached(1),
 * "PROTOCOL"): one connection owned by the store, every request bounded
 * by a time-out.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <rrd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/log.h"
#include "../lib/util.h"
#include "store.h"

#define CHUNK		64	/* values per update call */
#define RRDC_LINE	4096	/* longest request (RRD_CMD_MAX) */
#define RRDC_PORT	"42217"
#define RRDC_TIMEOUT	1000	/* ms for a request ... */
#define RRDC_SLOW	30000	/* ... for FLUSH, a migrating CREATE */
#define BACKOFF_MIN	0.5	/* s: reconnecting to rrdcached */
#define BACKOFF_MAX	30.0
#define FILE_BACKOFF	1.0	/* s: a file that failed, doubling ... */
#define FILE_BACKOFF_MAX 60.0	/* ... up to this */
#define MAX_RRA		32
#define STORE_ELATER	(-3)	/* stopping: the file is left to next start */

struct ent {
	time_t		 t;
	double		 v;		/* NAN: UNKNOWN */
	int		 file;
	int		 next;		/* the file's next entry, -1 */
};

struct sfile {
	const struct conf_sensor *s;
	char		*path;		/* absolute */
	time_t		 last;		/* newest accepted */
	time_t		 sent;		/* newest the backend has */
	int		 head, tail;	/* its entries in the ring */
	int		 pend;		/* first not sent; -1 none */
	size_t		 npend;
	int		 ready;		/* checked, made, migrated */
	int		 synced;	/* sent is what the backend has */
	int		 touched;	/* written through this store */
	int		 later;		/* stopping: not made, left to next start */
	char		*why;		/* failing: why; else NULL */
	double		 retry;		/* failing: not before */
	double		 backoff;
};

struct rrdc {
	int		 fd;		/* -1: not connected */
	int		 timeout;	/* ms, as set on fd */
	int		 timedout;	/* the last failure was a time-out */
	char		*addr;
	char		 in[RRDC_LINE];
	size_t		 inoff, inlen;
};

struct store {
	const struct conf	*c;
	const struct store_ops	*ops;
	void			*be;
	struct rrdc		*rc;		/* with rrdcached */
	struct sfile		*files;
	size_t			 nfile;
	struct ent		*ring;
	size_t			 cap, head, count;
	size_t			 pending;	/* entries not sent */
	uint64_t		 written, dropped, dropped_seen;
	int			 started;	/* files set up */
	int			 down, down_logged, draining;
	double			 retry, backoff;
	char			 why[LW_ERRLEN];	/* why down */
	char			 vals[CHUNK + 1][48];
};

/*
 * Process-wide: the daemon is stopping (store_hurry, from the signal
 * thread); the deadlines are set before the flag, on the system's clock.
 */
static atomic_int	 hurry;
static double		 create_by, write_by;

/* The monotonic clock in s: the backend's, for tests, or the system's. */
static double
now(const struct store *st)
{
	struct timespec ts;

	if (st->ops->now != NULL)
		return st->ops->now(st->be);
	ts = mono_now();
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* librrd's message for the last failed call, which is then cleared. */
static int
rrd_fail(char err[LW_ERRLEN], const char *what, const char *path)
{
	snprintf(err, LW_ERRLEN, "%s %s: %s", what, path, rrd_get_error());
	rrd_clear_error();
	return STORE_EFILE;
}

/* ---- the rrdcached client ---------------------------------------- */

static int
rc_unix(const char *path, char err[LW_ERRLEN])
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, LW_ERRLEN, "%s: path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* "host:port", "[v6]:port" or "host" (port 42217). */
static int
rc_tcp(const char *addr, char err[LW_ERRLEN])
{
	struct addrinfo hints, *res, *ai;
	struct timeval tv = { RRDC_TIMEOUT / 1000, 0 };
	char host[256], *port;
	int fd = -1, rc;

	snprintf(host, sizeof(host), "%s", addr + (addr[0] == '['));
	port = strrchr(host, addr[0] == '[' ? ']' : ':');
	if (port != NULL)
		*port++ = '\0';
	if (port != NULL && *port == ':')
		port++;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port != NULL && *port != '\0' ? port :
	    RRDC_PORT, &hints, &res)) != 0) {
		snprintf(err, LW_ERRLEN, "%s: %s", addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_CLOEXEC, ai->ai_protocol)) == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
			snprintf(err, LW_ERRLEN, "%s: %s", addr,
			    strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

static void
rc_close(void *be)
{
	struct rrdc *rc = be;

	if (rc->fd != -1)
		close(rc->fd);
	rc->fd = -1;
	rc->inoff = rc->inlen = 0;
}

static int
rc_open(void *be, char err[LW_ERRLEN])
{
	struct rrdc *rc = be;
	const char *a = rc->addr;
	char why[LW_ERRLEN];

	rc_close(rc);
	if (strncmp(a, "unix:", 5) == 0)
		rc->fd = rc_unix(a + 5, why);
	else if (a[0] == '/')
		rc->fd = rc_unix(a, why);
	else
		rc->fd = rc_tcp(a, why);
	rc->timeout = 0;
	if (rc->fd == -1) {
		snprintf(err, LW_ERRLEN, "rrdcached: %s", why);
		return STORE_EDOWN;
	}
	return STORE_OK;
}

static void
rc_timeout(struct rrdc *rc, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (rc->timeout == ms)
		return;
	setsockopt(rc->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(rc->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	rc->timeout = ms;
}

/* A connection failure: close it and say why (ERRNO, else WHAT). */
static int
rc_lost(struct rrdc *rc, int errnum, const char *what, char err[LW_ERRLEN])
{
	if (errnum == EAGAIN)
		what = "timed out";
	else if (errnum != 0)
		what = strerror(errnum);
	snprintf(err, LW_ERRLEN, "rrdcached %s: %s", rc->addr, what);
	rc->timedout = errnum == EAGAIN;
	rc_close(rc);
	return STORE_EDOWN;
}

static int
rc_send(struct rrdc *rc, const char *buf, size_t len, char err[LW_ERRLEN])
{
	ssize_t n;

	while (len > 0) {
		if ((n = send(rc->fd, buf, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return rc_lost(rc, errno, NULL, err);
		}
		buf += n;
		len -= (size_t)n;
	}
	return STORE_OK;
}

/* One reply line into LINE (without the newline). */
static int
rc_line(struct rrdc *rc, char *line, size_t len, char err[LW_ERRLEN])
{
	size_t k = 0;
	ssize_t n;
	char ch;

	for (;;) {
		if (rc->inoff == rc->inlen) {
			n = recv(rc->fd, rc->in, sizeof(rc->in), 0);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				return rc_lost(rc, n == 0 ? 0 : errno,
				    "connection closed", err);
			rc->inoff = 0;
			rc->inlen = (size_t)n;
		}
		ch = rc->in[rc->inoff++];
		if (ch == '\n')
			break;
		if (k + 1 < len)
			line[k++] = ch;
	}
	line[k] = '\0';
	return STORE_OK;
}

/*
 * Send request LINE (newline included) and read the reply "STATUS text",
 * skipping the STATUS lines that follow a positive one. STORE_OK with
 * the text in MSG, STORE_EFILE with rrdcached's error in err, or
 * STORE_EDOWN (the connection is closed).
 */
static int
rc_request(struct rrdc *rc, const char *line, size_t len, int ms, char *msg,
    size_t msglen, char err[LW_ERRLEN])
{
	char reply[RRDC_LINE], *text;
	long status;

	if (rc->fd == -1)
		return rc_lost(rc, 0, "not connected", err);
	rc_timeout(rc, ms);
	if (rc_send(rc, line, len, err) != STORE_OK ||
	    rc_line(rc, reply, sizeof(reply), err) != STORE_OK)
		return STORE_EDOWN;
	status = strtol(reply, &text, 10);
	if (text == reply)
		return rc_lost(rc, 0, "garbled reply", err);
	text += strspn(text, " ");
	for (; status > 0; status--)
		if (rc_line(rc, msg, msglen, err) != STORE_OK)
			return STORE_EDOWN;
	if (status < 0) {
		snprintf(err, LW_ERRLEN, "rrdcached: %s", text);
		return STORE_EFILE;
	}
	snprintf(msg, msglen, "%s", text);
	return STORE_OK;
}

struct rc_buf {
	char	b[RRDC_LINE];
	size_t	n;
	int	full;
};

/* Append FIELD, space-separated, with ' ' and '\' escaped. */
static void
rc_add(struct rc_buf *lb, const char *field)
{
	const char *p;

	if (lb->n > 0 && lb->n < sizeof(lb->b))
		lb->b[lb->n++] = ' ';
	for (p = field; *p != '\0'; p++) {
		if (lb->n + 3 >= sizeof(lb->b)) {
			lb->full = 1;
			return;
		}
		if (*p == ' ' || *p == '\\')
			lb->b[lb->n++] = '\\';
		lb->b[lb->n++] = *p;
	}
}

static int
rc_run(void *be, struct rc_buf *lb, int ms, char *msg, size_t msglen,
    char err[LW_ERRLEN])
{
	if (lb->full) {
		snprintf(err, LW_ERRLEN, "rrdcached: request too long");
		return STORE_EFILE;
	}
	lb->b[lb->n++] = '\n';
	return rc_request(be, lb->b, lb->n, ms, msg, msglen, err);
}

/* "CMD PATH" */
static int
rc_simple(void *be, const char *cmd, const char *path, int ms, char *msg,
    size_t msglen, char err[LW_ERRLEN])
{
	struct rc_buf lb = { .n = 0 };

	rc_add(&lb, cmd);
	rc_add(&lb, path);
	return rc_run(be, &lb, ms, msg, msglen, err);
}

static int
rc_update(void *be, const char *path, int n, const char **vals,
    char err[LW_ERRLEN])
{
	struct rc_buf lb = { .n = 0 };
	char msg[256];
	int i;

	rc_add(&lb, "UPDATE");
	rc_add(&lb, path);
	for (i = 0; i < n; i++)
		rc_add(&lb, vals[i]);
	return rc_run(be, &lb, RRDC_TIMEOUT, msg, sizeof(msg), err);
}

static int
rc_last(void *be, const char *path, time_t *t, char err[LW_ERRLEN])
{
	char msg[256], *end;
	long long v;
	int rc;

	if ((rc = rc_simple(be, "LAST", path, RRDC_TIMEOUT, msg, sizeof(msg),
	    err)) != STORE_OK)
		return rc;
	v = strtoll(msg, &end, 10);
	if (end == msg || v <= 0) {
		snprintf(err, LW_ERRLEN, "rrdcached: LAST %s: '%s'", path,
		    msg);
		return STORE_EFILE;
	}
	*t = (time_t)v;
	return STORE_OK;
}

static int
rc_flush(void *be, const char *path, char err[LW_ERRLEN])
{
	char msg[256];

	return rc_simple(be, "FLUSH", path, RRDC_SLOW, msg, sizeof(msg), err);
}

/* Drop PATH from rrdcached's cache; not knowing it is no error. */
static int
rc_forget(void *be, const char *path, char err[LW_ERRLEN])
{
	char msg[256];
	int rc;

	rc = rc_simple(be, "FORGET", path, RRDC_TIMEOUT, msg, sizeof(msg),
	    err);
	return rc == STORE_EFILE ? STORE_OK : rc;
}

/* CREATE through rrdcached, so it owns the file (and -B allows it). */
static int
rc_create(void *be, const char *path, unsigned long step, time_t start,
    const char *src, int argc, const char **argv, char err[LW_ERRLEN])
{
	struct rc_buf lb = { .n = 0 };
	char num[32], msg[256];
	int i;

	rc_add(&lb, "CREATE");
	rc_add(&lb, path);
	snprintf(num, sizeof(num), "%lu", step);
	rc_add(&lb, "-s");
	rc_add(&lb, num);
	if (start != -1) {
		snprintf(num, sizeof(num), "%lld", (long long)start);
		rc_add(&lb, "-b");
		rc_add(&lb, num);
	}
	if (src != NULL) {
		rc_add(&lb, "-r");
		rc_add(&lb, src);
	}
	for (i = 0; i < argc; i++)
		rc_add(&lb, argv[i]);
	return rc_run(be, &lb, src != NULL ? RRDC_SLOW : RRDC_TIMEOUT, msg,
	    sizeof(msg), err);
}

/* ---- checking a file (local librrd reads, both backends) --------- */

struct layout {
	time_t		 last;		/* last update */
	unsigned long	 step, heartbeat;
	double		 min;		/* NAN: none */
	int		 nrra;
	struct {
		char		cf[16];
		unsigned long	per, rows;
	} rra[MAX_RRA];
};

/* DS and RRA arguments for sensor S into ARGS; returns how many. */
static int
layout_args(const struct conf_sensor *s, char args[][64], int max)
{
	int neg = s->parameter == PARAM_TEMP || s->range_min < 0;

	snprintf(args[0], 64, "DS:value:GAUGE:%d:%s:U", 2 * s->interval,
	    neg ? "U" : "0");
	return 1 + store_rra_args(s, args + 1, max - 1);
}

static void
layout_want(const struct conf_sensor *s, struct layout *l)
{
	char args[MAX_RRA + 1][64];
	int n, i;

	memset(l, 0, sizeof(*l));
	l->step = (unsigned long)s->interval;
	l->heartbeat = 2UL * (unsigned long)s->interval;
	l->min = s->parameter == PARAM_TEMP || s->range_min < 0 ? NAN : 0;
	n = layout_args(s, args, MAX_RRA + 1);
	for (i = 1; i < n; i++)
		if (sscanf(args[i], "RRA:%15[A-Z]:%*f:%lu:%lu",
		    l->rra[l->nrra].cf, &l->rra[l->nrra].per,
		    &l->rra[l->nrra].rows) == 3)
			l->nrra++;
}

static void
layout_key(struct layout *l, const rrd_info_t *p)
{
	char field[32];
	int i;

	if (strcmp(p->key, "step") == 0)
		l->step = p->value.u_cnt;
	else if (strcmp(p->key, "last_update") == 0)
		l->last = (time_t)p->value.u_cnt;
	else if (strcmp(p->key, "ds[value].minimal_heartbeat") == 0)
		l->heartbeat = p->value.u_cnt;
	else if (strcmp(p->key, "ds[value].min") == 0)
		l->min = p->value.u_val;
	else if (sscanf(p->key, "rra[%d].%31s", &i, field) == 2 && i >= 0 &&
	    i < MAX_RRA) {
		if (i >= l->nrra)
			l->nrra = i + 1;
		if (strcmp(field, "cf") == 0)
			snprintf(l->rra[i].cf, sizeof(l->rra[i].cf), "%s",
			    p->value.u_str);
		else if (strcmp(field, "rows") == 0)
			l->rra[i].rows = p->value.u_cnt;
		else if (strcmp(field, "pdp_per_row") == 0)
			l->rra[i].per = p->value.u_cnt;
	}
}

static void
layout_read(struct layout *l, const rrd_info_t *info)
{
	memset(l, 0, sizeof(*l));
	l->min = NAN;
	for (; info != NULL; info = info->next)
		layout_key(l, info);
}

/* 0 if HAVE is WANT, else 1 with what differs in why. */
static int
layout_differs(const struct layout *want, const struct layout *have,
    char why[LW_ERRLEN])
{
	int i;

	if (have->step != want->step) {
		snprintf(why, LW_ERRLEN, "step %lu s, not %lu s", have->step,
		    want->step);
		return 1;
	}
	if (have->heartbeat != want->heartbeat ||
	    isnan(have->min) != isnan(want->min)) {
		snprintf(why, LW_ERRLEN, "another data source definition");
		return 1;
	}
	for (i = 0; i < want->nrra && i < have->nrra; i++)
		if (strcmp(have->rra[i].cf, want->rra[i].cf) != 0 ||
		    have->rra[i].per != want->rra[i].per ||
		    have->rra[i].rows != want->rra[i].rows)
			break;
	if (i < want->nrra || have->nrra != want->nrra) {
		snprintf(why, LW_ERRLEN, "another archive set (%d archives, "
		    "not %d)", have->nrra, want->nrra);
		return 1;
	}
	return 0;
}

/* 1 if PATH can be opened and read: librrd's complaint is about it. */
static int
readable(const char *path)
{
	char b;
	int fd, ok;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	ok = pread(fd, &b, 1, 0) != -1;
	close(fd);
	return ok;
}

static int
probe_file(void *be, const struct conf_sensor *s, const char *path,
    char why[LW_ERRLEN])
{
	struct layout want, have;
	struct stat sb;
	rrd_info_t *info;

	(void)be;
	if (stat(path, &sb) == -1) {
		snprintf(why, LW_ERRLEN, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? PROBE_MISSING : PROBE_ERROR;
	}
	rrd_clear_error();
	if ((info = rrd_info_r(path)) == NULL) {
		snprintf(why, LW_ERRLEN, "%s", rrd_get_error());
		rrd_clear_error();
		return S_ISREG(sb.st_mode) && readable(path) ? PROBE_BAD :
		    PROBE_ERROR;
	}
	layout_want(s, &want);
	layout_read(&have, info);
	rrd_info_free(info);
	return layout_differs(&want, &have, why) ? PROBE_CHANGED : PROBE_OK;
}

/* ---- librrd directly --------------------------------------------- */

static int
direct_open(void *be, char err[LW_ERRLEN])
{
	(void)be;
	(void)err;
	return STORE_OK;
}

static void
direct_close(void *be)
{
	(void)be;
}

/*
 * Bytes a file of ARGV takes, roughly: 8 per row of each RRA (one data
 * source) and the headers.
 */
static off_t
create_size(int argc, const char **argv)
{
	unsigned long rows;
	off_t size = 4096;
	int i;

	for (i = 0; i < argc; i++)
		if (sscanf(argv[i], "RRA:%*[A-Z]:%*f:%*u:%lu", &rows) == 1)
			size += (off_t)rows * 8 + 64;
	return size;
}

/*
 * librrd 1.7 says nothing when it cannot write a new file (a full disk:
 * its fwrite fails, it unlinks its temporary file, which leaves errno at
 * ENOENT). Find the reason by doing what it did: make a file of that size
 * beside PATH.
 */
static void
create_why(const char *path, off_t size, char *buf, size_t len)
{
	char tmp[PATH_MAX];
	int fd, e;

	snprintf(tmp, sizeof(tmp), "%s.whyXXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(buf, len, "%s", strerror(errno));
		return;
	}
	e = posix_fallocate(fd, 0, size);
	close(fd);
	unlink(tmp);
	snprintf(buf, len, "%s", e != 0 ? strerror(e) :
	    "librrd gave no reason");
}

static int
direct_create(void *be, const char *path, unsigned long step, time_t start,
    const char *src, int argc, const char **argv, char err[LW_ERRLEN])
{
	const char *sources[2] = { src, NULL };
	char why[128];

	(void)be;
	rrd_clear_error();
	if (rrd_create_r2(path, step, start, 0, src != NULL ? sources : NULL,
	    NULL, argc, argv) == 0)
		return STORE_OK;
	if (*rrd_get_error() != '\0')
		return rrd_fail(err, "create", path);
	create_why(path, create_size(argc, argv), why, sizeof(why));
	snprintf(err, LW_ERRLEN, "create %s: %s", path, why);
	return STORE_EFILE;
}

static int
direct_update(void *be, const char *path, int n, const char **vals,
    char err[LW_ERRLEN])
{
	(void)be;
	rrd_clear_error();
	if (rrd_update_r(path, "value", n, vals) != 0)
		return rrd_fail(err, "update", path);
	return STORE_OK;
}

static int
direct_last(void *be, const char *path, time_t *t, char err[LW_ERRLEN])
{
	(void)be;
	rrd_clear_error();
	if ((*t = rrd_last_r(path)) == -1)
		return rrd_fail(err, "last", path);
	return STORE_OK;
}

static int
direct_nop(void *be, const char *path, char err[LW_ERRLEN])
{
	(void)be;
	(void)path;
	(void)err;
	return STORE_OK;
}

static const struct store_ops direct_ops = {
	.name = "librrd", .open = direct_open, .close = direct_close,
	.probe = probe_file, .create = direct_create,
	.update = direct_update, .last = direct_last, .flush = direct_nop,
	.forget = direct_nop, .now = NULL
};

static const struct store_ops rrdc_ops = {
	.name = "rrdcached", .open = rc_open, .close = rc_close,
	.probe = probe_file, .create = rc_create, .update = rc_update,
	.last = rc_last, .flush = rc_flush, .forget = rc_forget, .now = NULL
};

/* ---- the buffer -------------------------------------------------- */

static void
drop_note(struct store *st)
{
	if (st->dropped++ == st->dropped_seen)
		log_warnx("store: buffer full (%zu values): dropping the "
		    "oldest unwritten values (the sample log keeps them)",
		    st->cap);
}

/* Make room: the oldest entry goes, sent or not. */
static void
ring_evict(struct store *st)
{
	struct ent *e = &st->ring[st->head];
	struct sfile *f = &st->files[e->file];

	if (f->pend == (int)st->head) {
		f->pend = e->next;
		f->npend--;
		st->pending--;
		drop_note(st);
	}
	if ((f->head = e->next) == -1)
		f->tail = -1;
	st->head = (st->head + 1) % st->cap;
	st->count--;
}

static void
ring_push(struct store *st, int fi, time_t t, double v)
{
	struct sfile *f = &st->files[fi];
	int i;

	if (st->count == st->cap)
		ring_evict(st);
	i = (int)((st->head + st->count++) % st->cap);
	st->ring[i] = (struct ent){ t, v, fi, -1 };
	if (f->tail != -1)
		st->ring[f->tail].next = i;
	else
		f->head = i;
	f->tail = i;
	if (f->pend == -1)
		f->pend = i;
	f->npend++;
	st->pending++;
}

/* Point pend at the first entry newer than what the backend has. */
static void
file_repoint(struct store *st, struct sfile *f)
{
	int i;

	st->pending -= f->npend;
	f->npend = 0;
	for (i = f->head; i != -1 && st->ring[i].t <= f->sent;)
		i = st->ring[i].next;
	f->pend = i;
	for (; i != -1; i = st->ring[i].next)
		f->npend++;
	st->pending += f->npend;
}

/* Values per update of PATH: all must fit in one rrdcached request. */
static int
chunk_max(const char *path)
{
	int max = (int)((RRDC_LINE - 64 - strlen(path)) / 48);

	return max < 2 ? 2 : max > CHUNK ? CHUNK : max;
}

static void
value_fmt(char *buf, time_t t, double v)
{
	if (isnan(v))
		snprintf(buf, 48, "%lld:U", (long long)t);
	else
		snprintf(buf, 48, "%lld:%.10g", (long long)t, v);
}

/* ---- file states ------------------------------------------------- */

/* Move PATH to PATH.<now>.SUFFIX (into AS). */
static int
file_aside(const struct sfile *f, const char *suffix, char *as, size_t len,
    char err[LW_ERRLEN])
{
	long long t = (long long)time(NULL);
	int i;

	for (i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(as, len, "%s.%lld.%s", f->path, t, suffix);
		else	/* a second one within the second */
			snprintf(as, len, "%s.%lld-%d.%s", f->path, t, i,
			    suffix);
		if (access(as, F_OK) == -1)
			break;
	}
	if (rename(f->path, as) == -1) {
		snprintf(err, LW_ERRLEN, "rename %s: %s", f->path,
		    strerror(errno));
		return STORE_EFILE;
	}
	return STORE_OK;
}

/*
 * Make the file: from SRC (migration) with its last update at START, or
 * empty one step before the oldest value held, which is then sent again.
 */
static int
file_create(struct store *st, struct sfile *f, const char *src,
    time_t start, char err[LW_ERRLEN])
{
	char args[MAX_RRA + 1][64];
	const char *argv[MAX_RRA + 1];
	int n, i, rc;

	n = layout_args(f->s, args, MAX_RRA + 1);
	for (i = 0; i < n; i++)
		argv[i] = args[i];
	if (src == NULL)
		start = st->ring[f->head].t - f->s->interval;
	if ((rc = st->ops->create(st->be, f->path,
	    (unsigned long)f->s->interval, start, src, n, argv, err)) != 0)
		return rc;
	f->synced = 0;
	if (src == NULL)
		log_info("sensor '%s': created %s (step %d s)", f->s->name,
		    f->path, f->s->interval);
	return STORE_OK;
}

/* Not an RRD any more: set it aside and start a new one. */
static int
file_replace(struct store *st, struct sfile *f, const char *why,
    char err[LW_ERRLEN])
{
	char as[PATH_MAX + 64];
	int rc;

	if ((rc = st->ops->forget(st->be, f->path, err)) != 0 ||
	    (rc = file_aside(f, "bad", as, sizeof(as), err)) != 0)
		return rc;
	log_warnx("sensor '%s': %s is not a usable RRD (%s); moved to %s, "
	    "starting a new file", f->s->name, f->path, why, as);
	return file_create(st, f, NULL, -1, err);
}

/*
 * Where a migration starts the new file: the old file's last update less
 * what its finest archive holds (no more than the new one's finest
 * holds), on the new step's grid. rrd_create prefills the rows up to
 * there from the old file; file_replay feeds it the old finest rows after
 * that, which rrdtool 1.7.2's prefill would only approximate from coarser
 * archives (or leave empty) when the step changes. Sets *LAST to the old
 * file's last update; -1 if it cannot tell.
 */
static time_t
migrate_start(const char *old, const struct conf_sensor *s, time_t *last)
{
	struct layout have, want;
	rrd_info_t *info;
	time_t w = 0, t;
	int i;

	rrd_clear_error();
	if ((info = rrd_info_r(old)) == NULL) {
		rrd_clear_error();
		return -1;
	}
	layout_read(&have, info);
	rrd_info_free(info);
	layout_want(s, &want);
	for (i = 0; i < have.nrra; i++)
		if (strcmp(have.rra[i].cf, "AVERAGE") == 0 && (w == 0 ||
		    (time_t)(have.rra[i].rows * have.rra[i].per) * (time_t)
		    have.step < w))
			w = (time_t)(have.rra[i].rows * have.rra[i].per *
			    have.step);
	if (want.nrra > 0 && (time_t)(want.rra[0].rows * want.step) < w)
		w = (time_t)(want.rra[0].rows * want.step);
	*last = have.last;
	/* inside the finest archive, or rrd_fetch picks a coarser one */
	t = have.last - w + 2 * (time_t)(have.step + want.step);
	t += ((time_t)want.step - t % (time_t)want.step) % (time_t)want.step;
	return t > 315360000 && t < have.last ? t : -1;	/* after 1980 */
}

/* Values for F's file in a migration, sent a request's worth at a time. */
struct replay {
	const char	*argv[CHUNK];
	int		 n, max;
	int		 known;		/* a known value was seen */
	time_t		 start;		/* the new file's last update */
};

/*
 * Queue T:V, from the first known value on (after an UNKNOWN on the new
 * step's grid, so that the value fills its step); send when full.
 */
static int
replay_add(struct store *st, struct sfile *f, struct replay *rp, time_t t,
    double v, char err[LW_ERRLEN])
{
	time_t g, ns = f->s->interval;
	int rc = STORE_OK;

	if (!rp->known && isnan(v))
		return STORE_OK;
	if (!rp->known++ && (g = (t - 1) / ns * ns) > rp->start) {
		value_fmt(st->vals[rp->n], g, NAN);
		rp->argv[rp->n] = st->vals[rp->n];
		rp->n++;
	}
	value_fmt(st->vals[rp->n], t, v);
	rp->argv[rp->n] = st->vals[rp->n];
	if (++rp->n >= rp->max) {
		rc = st->ops->update(st->be, f->path, rp->n, rp->argv, err);
		rp->n = 0;
	}
	return rc;
}

/* Send the old file's finest rows after START up to LAST to F's file. */
static int
file_replay(struct store *st, struct sfile *f, const char *old,
    time_t start, time_t last, char err[LW_ERRLEN])
{
	struct replay rp = { .max = chunk_max(f->path) - 1, .start = start };
	unsigned long step = 1, nds = 0, i;
	char **names = NULL;
	rrd_value_t *data = NULL;
	time_t from = start, to = last, t;
	int rc = STORE_OK;

	rrd_clear_error();
	if (rrd_fetch_r(old, "AVERAGE", &from, &to, &step, &nds, &names,
	    &data) != 0)
		return rrd_fail(err, "fetch", old);
	for (i = 0; step > 0 && from + (time_t)((i + 1) * step) <= to &&
	    rc == STORE_OK; i++)
		if ((t = from + (time_t)((i + 1) * step)) > start && t <= last)
			rc = replay_add(st, f, &rp, t, data[i * nds], err);
	if (rp.n > 0 && rc == STORE_OK)
		rc = st->ops->update(st->be, f->path, rp.n, rp.argv, err);
	for (i = 0; i < nds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	return rc;
}

/* Another step or archive set: a new file with the old one's data. */
static int
file_migrate(struct store *st, struct sfile *f, const char *why,
    char err[LW_ERRLEN])
{
	char as[PATH_MAX + 64];
	time_t start, last = 0;
	int rc;

	if ((rc = st->ops->flush(st->be, f->path, err)) != 0 ||
	    (rc = st->ops->forget(st->be, f->path, err)) != 0 ||
	    (rc = file_aside(f, "old", as, sizeof(as), err)) != 0)
		return rc;
	start = migrate_start(as, f->s, &last);
	if ((rc = file_create(st, f, as, start, err)) != 0) {
		if (rename(as, f->path) == -1)
			log_warn("sensor '%s': rename %s back", f->s->name, as);
		return rc;
	}
	if (start != -1 && (rc = file_replay(st, f, as, start, last, err)) !=
	    STORE_OK)
		return rc;
	log_info("sensor '%s': %s had %s; migrated to step %d s and the "
	    "current archives, data carried over, old file kept as %s",
	    f->s->name, f->path, why, f->s->interval, as);
	return STORE_OK;
}

/* Stopping, and past the time to make files (CREATE) or write at all. */
static int
too_late(int create)
{
	double t;

	if (!atomic_load(&hurry))
		return 0;
	t = ts_diff(mono_now(), (struct timespec){ 0, 0 });
	return t >= (create ? create_by : write_by);
}

static int
file_check(struct store *st, struct sfile *f, char err[LW_ERRLEN])
{
	char why[LW_ERRLEN];
	int probe;

	/*
	 * Making a file writes a megabyte or more (a migration much more):
	 * a stopping daemon leaves it to the next start, which finds the
	 * file as it is now. Its values are in the sample log.
	 */
	probe = st->ops->probe(st->be, f->s, f->path, why);
	if (probe != PROBE_OK && probe != PROBE_ERROR && too_late(1)) {
		f->later = 1;
		return STORE_ELATER;
	}
	switch (probe) {
	case PROBE_OK:
		return STORE_OK;
	case PROBE_MISSING:
		return file_create(st, f, NULL, -1, err);
	case PROBE_BAD:
		return file_replace(st, f, why, err);
	case PROBE_CHANGED:
		return file_migrate(st, f, why, err);
	default:
		snprintf(err, LW_ERRLEN, "%s", why);
		return STORE_EFILE;
	}
}

/* Checked, and knowing how far the backend has it. */
static int
file_ready(struct store *st, struct sfile *f, char err[LW_ERRLEN])
{
	time_t t;
	int rc;

	if (!f->ready) {
		if ((rc = file_check(st, f, err)) != STORE_OK)
			return rc;
		f->ready = 1;
	}
	if (!f->synced) {
		if ((rc = st->ops->last(st->be, f->path, &t, err)) != STORE_OK)
			return rc;
		f->sent = t;
		if (f->last < t)
			f->last = t;
		f->synced = 1;
		file_repoint(st, f);
	}
	return STORE_OK;
}

/*
 * Up to a request's worth of F's pending values into ARGV, skipping
 * what the backend has. After a gap longer than the heartbeat an UNKNOWN
 * one step before the value comes first, so that rrdtool stores the
 * value for its own step rather than dropping it with the gap. Sets
 * *USED (entries consumed), *NEXT and *LAST; returns the argv count.
 */
static int
chunk(struct store *st, struct sfile *f, const char **argv, int *used,
    int *next, time_t *last)
{
	time_t prev = f->sent, step = f->s->interval;
	int i, j, n = 0, max;

	max = chunk_max(f->path);
	*used = 0;
	for (i = f->pend; i != -1 && n + 2 <= max; i = st->ring[i].next) {
		const struct ent *e = &st->ring[i];

		(*used)++;
		if (e->t <= prev)
			continue;
		if (prev > 0 && e->t - prev > 2 * step)
			value_fmt(st->vals[n++], e->t - step, NAN);
		value_fmt(st->vals[n++], e->t, e->v);
		prev = e->t;
	}
	*next = i;
	*last = prev;
	for (j = 0; j < n; j++)
		argv[j] = st->vals[j];
	return n;
}

/*
 * "illegal attempt to update using time X when last update time is Y"
 * (librrd and rrdcached alike): the file is further than we thought
 * (rrdcached's LAST rounds down to the step). 1 with Y in *T.
 */
static int
behind(const char *err, time_t *t)
{
	const char *p = strstr(err, "last update time is ");
	double y;

	if (p == NULL || sscanf(p + 20, "%lf", &y) != 1 || y <= 0)
		return 0;
	*t = (time_t)y;
	return 1;
}

static int
file_send(struct store *st, struct sfile *f, char err[LW_ERRLEN])
{
	const char *argv[CHUNK];
	time_t last, t;
	int n, used, next, rc;

	while (f->pend != -1) {
		n = chunk(st, f, argv, &used, &next, &last);
		rc = n > 0 ? st->ops->update(st->be, f->path, n, argv, err) :
		    STORE_OK;
		if (rc == STORE_EFILE && behind(err, &t) && t > f->sent) {
			f->sent = t;
			file_repoint(st, f);
			continue;
		}
		if (rc != STORE_OK)
			return rc;
		st->written += (uint64_t)used;
		f->npend -= (size_t)used;
		st->pending -= (size_t)used;
		f->sent = last;
		f->pend = next;
		f->touched = 1;
	}
	return STORE_OK;
}

static void
file_fail(struct store *st, struct sfile *f, const char *why)
{
	free(f->why);
	f->why = xstrdup(why);
	f->ready = f->synced = 0;
	f->backoff = f->backoff == 0 ? FILE_BACKOFF :
	    fmin(2 * f->backoff, FILE_BACKOFF_MAX);
	f->retry = now(st) + f->backoff;
}

/* ---- the backend as a whole -------------------------------------- */

/*
 * The backend failed. The first time after it worked it is tried again
 * at once (rrdcached restarted: a new connection works), unless it timed
 * out: a stuck rrdcached must not stall the core loop twice in a row.
 */
static void
backend_lost(struct store *st, const char *why)
{
	st->ops->close(st->be);
	if (!st->down)
		snprintf(st->why, sizeof(st->why), "%s", why);
	st->down = 1;
	if (st->backoff == 0 && st->rc != NULL && st->rc->timedout)
		st->backoff = BACKOFF_MIN;
	st->retry = now(st) + st->backoff;
	st->backoff = st->backoff == 0 ? BACKOFF_MIN :
	    fmin(2 * st->backoff, BACKOFF_MAX);
}

static int file_pump(struct store *, struct sfile *, char [LW_ERRLEN]);

/* Say once that the backend is down and values wait. */
static void
down_note(struct store *st)
{
	if (st->down_logged)
		return;
	log_warnx("store: %s; buffering updates (up to %zu values) and "
	    "retrying", st->why, st->cap);
	st->down_logged = 1;
}

/* Send what every file holds, re-synchronising first if asked to. */
static void
drain(struct store *st, int resync)
{
	char err[LW_ERRLEN];
	size_t i;

	st->draining = 1;
	for (i = 0; i < st->nfile && !st->down; i++) {
		if (resync)
			st->files[i].synced = 0;
		(void)file_pump(st, &st->files[i], err);
	}
	st->draining = 0;
}

/*
 * 1 if the backend can be used now: up, or reconnected (then everything
 * held is re-synchronised and sent, as it may have lost what it had not
 * journaled). 0 while down.
 */
static int
backend_up(struct store *st)
{
	char err[LW_ERRLEN];
	uint64_t was = st->written;

	if (!st->down)
		return 1;
	if (st->draining || now(st) < st->retry)
		return 0;
	if (st->ops->open(st->be, err) != STORE_OK) {
		backend_lost(st, err);
		down_note(st);
		return 0;
	}
	st->down = 0;
	drain(st, 1);
	if (st->down)
		return 0;
	if (st->down_logged)
		log_info("store: %s%s%s is back; %llu buffered values "
		    "written", st->ops->name, st->rc ? " at " : "",
		    st->rc ? st->rc->addr : "",
		    (unsigned long long)(st->written - was));
	else
		log_info("store: %s; reconnected, %llu values (re)sent",
		    st->why, (unsigned long long)(st->written - was));
	st->down_logged = 0;
	st->backoff = 0;
	return 1;
}

static void
drops_over(struct store *st)
{
	if (st->pending == 0 && st->dropped != st->dropped_seen) {
		log_info("store: buffer drained; %llu unwritten values had "
		    "been dropped while it was full",
		    (unsigned long long)(st->dropped - st->dropped_seen));
		st->dropped_seen = st->dropped;
	}
}

/*
 * Write what F holds, if the backend and F are not backing off. 0 (also
 * when it waits for rrdcached), or -1 with err when F's file fails.
 */
static int
file_pump(struct store *st, struct sfile *f, char err[LW_ERRLEN])
{
	int rc, tries;

	if (too_late(0) || !backend_up(st))
		return 0;	/* stopping: the sample log has them */
	for (tries = 0; tries < 2; tries++) {
		if (f->head == -1 || (f->synced && f->pend == -1))
			break;
		if (f->why != NULL && now(st) < f->retry) {
			snprintf(err, LW_ERRLEN, "%s", f->why);
			return -1;
		}
		if ((rc = file_ready(st, f, err)) == STORE_OK)
			rc = file_send(st, f, err);
		if (rc == STORE_ELATER)
			return 0;
		if (rc == STORE_OK)
			break;
		if (rc == STORE_EDOWN) {
			backend_lost(st, err);
			if (!backend_up(st))	/* now, then backing off */
				down_note(st);
			return 0;
		}
		file_fail(st, f, err);	/* the first time: again now */
		if (f->backoff > FILE_BACKOFF)
			return -1;
		f->retry = 0;
	}
	free(f->why);
	f->why = NULL;
	f->backoff = 0;
	drops_over(st);
	return 0;
}

/* ---- the interface ----------------------------------------------- */

void
store_path(const struct conf *c, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/rrd/%s.rrd", c->state_dir, name);
}

static int
store_files(struct store *st, char err[LW_ERRLEN])
{
	char dir[PATH_MAX], real[PATH_MAX], path[PATH_MAX + 128];
	size_t i;

	snprintf(dir, sizeof(dir), "%s/rrd", st->c->state_dir);
	if (mkdirs(dir, 0750) == -1 || realpath(dir, real) == NULL) {
		snprintf(err, LW_ERRLEN, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < st->nfile; i++) {
		struct sfile *f = &st->files[i];

		f->s = &st->c->sensors[i];
		snprintf(path, sizeof(path), "%s/%s.rrd", real, f->s->name);
		f->path = xstrdup(path);
		f->head = f->tail = f->pend = -1;
	}
	return 0;
}

struct store *
store_new_ops(const struct conf *c, const struct store_ops *ops, void *be,
    char err[LW_ERRLEN])
{
	struct store *st;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->files = calloc(c->nsensor + 1, sizeof(*st->files))) == NULL)
		fatal("store");
	st->c = c;
	st->ops = ops;
	st->be = be;
	st->nfile = c->nsensor;
	st->cap = c->store_buffer > 0 ? (size_t)c->store_buffer :
	    STORE_BUFFER;
	if ((st->ring = calloc(st->cap, sizeof(*st->ring))) == NULL)
		fatal("store");
	if (store_files(st, err) == -1) {
		store_free(st);
		return NULL;
	}
	st->started = 1;
	if (ops->open(be, err) != STORE_OK) {
		backend_lost(st, err);
		down_note(st);
	}
	return st;
}

struct store *
store_new(const struct conf *c, char err[LW_ERRLEN])
{
	const char *addr = c->rrdcached;
	struct store *st;
	struct rrdc *rc;

	if (addr == NULL || *addr == '\0')
		addr = getenv("RRDCACHED_ADDRESS");
	if (addr == NULL || *addr == '\0')
		return store_new_ops(c, &direct_ops, NULL, err);
	if ((rc = calloc(1, sizeof(*rc))) == NULL)
		fatal("store");
	rc->fd = -1;
	rc->addr = xstrdup(addr);
	if ((st = store_new_ops(c, &rrdc_ops, rc, err)) == NULL) {
		free(rc->addr);
		free(rc);
		return NULL;
	}
	st->rc = rc;
	log_info("store: writing RRD files through rrdcached at %s", addr);
	return st;
}

int
store_update(struct store *st, int idx, const struct sample *s, size_t n,
    char err[LW_ERRLEN])
{
	struct sfile *f = &st->files[idx];
	size_t i;
	int k = 0;

	for (i = 0; i < n; i++) {
		if (s[i].t <= f->last)
			continue;
		ring_push(st, idx, s[i].t, sample_valid(&s[i]) &&
		    isfinite(s[i].value) ? s[i].value : NAN);
		f->last = s[i].t;
		k++;
	}
	if (file_pump(st, f, err) == -1)
		return -1;
	return k;
}

void
store_adopt(struct store *st, struct store *old)
{
	struct sfile *f;
	size_t i;
	int j;

	for (i = 0; i < old->count; i++) {
		const struct ent *e = &old->ring[(old->head + i) % old->cap];

		if ((j = conf_sensor_find(st->c,
		    old->c->sensors[e->file].name)) != -1)
			ring_push(st, j, e->t, e->v);
	}
	for (i = 0; i < old->nfile; i++) {
		if ((j = conf_sensor_find(st->c, old->c->sensors[i].name)) ==
		    -1)
			continue;
		f = &st->files[j];
		f->last = old->files[i].last;
		f->sent = old->files[i].sent;
		file_repoint(st, f);
		old->files[i].head = old->files[i].tail = -1;
		old->files[i].pend = -1;
		old->files[i].npend = 0;
	}
	old->count = old->pending = 0;
}

int
store_flush(struct store *st, const char *name, char err[LW_ERRLEN])
{
	struct sfile *f;
	int i, rc;

	if ((i = conf_sensor_find(st->c, name)) == -1)
		return 0;
	f = &st->files[i];
	f->retry = 0;
	if (file_pump(st, f, err) == -1)
		return -1;
	if (st->down) {
		snprintf(err, LW_ERRLEN, "%s", st->why);
		return -1;
	}
	if ((rc = st->ops->flush(st->be, f->path, err)) == STORE_EDOWN)
		backend_lost(st, err);
	return rc == STORE_OK ? 0 : -1;
}

void
store_stats(const struct store *st, struct store_stats *ss)
{
	ss->written = st->written;
	ss->dropped = st->dropped;
	ss->pending = st->pending;
	ss->down = st->down;
}

void
store_hurry(double create, double write)
{
	double t = ts_diff(mono_now(), (struct timespec){ 0, 0 });

	if (atomic_load(&hurry))
		return;
	create_by = t + create;
	write_by = t + write;
	atomic_store(&hurry, 1);
}

/*
 * The last chance: send everything, then have rrdcached write it out;
 * when stopping, as far as the time allows (store_hurry).
 */
static void
store_finish(struct store *st)
{
	char err[LW_ERRLEN];
	size_t i, later = 0;

	st->retry = 0;
	for (i = 0; i < st->nfile; i++)
		st->files[i].retry = 0;
	if (backend_up(st))
		drain(st, 0);
	for (i = 0; i < st->nfile && !st->down && !too_late(0); i++)
		if (st->files[i].touched && st->ops->flush(st->be,
		    st->files[i].path, err) == STORE_EDOWN)
			backend_lost(st, err);
	for (i = 0; i < st->nfile; i++)
		later += st->files[i].later && !st->files[i].ready;
	if (later > 0)
		log_info("store: stopping: %zu RRD files not made yet; the "
		    "next start makes them", later);
	if (st->pending > 0)
		log_warnx("store: %zu values not written to the RRD files "
		    "(%s); the sample log has them", st->pending,
		    st->down ? st->why : too_late(0) ? "no time left at "
		    "stop" : later > 0 ? "files not made yet" :
		    "files failing");
}

void
store_free(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	if (st->started)
		store_finish(st);
	st->ops->close(st->be);
	for (i = 0; i < st->nfile; i++) {
		free(st->files[i].path);
		free(st->files[i].why);
	}
	if (st->rc != NULL) {
		free(st->rc->addr);
		free(st->rc);
	}
	free(st->files);
	free(st->ring);
	free(st);
}

/*
 * DESIGN.md 6: every step for 8 days but at most 20 000 rows; 1-minute
 * rows for 8 days when the step is below a minute; hourly for 800 days;
 * daily for 10 years. AVERAGE, MIN and MAX of each. With a step of an
 * hour or more the step rows themselves are kept 800 days (a day or
 * more: 10 years), at most 20 000 rows, so year-on-year reports always
 * have hourly or coarser rows for two years.
 */
int
store_rra_args(const struct conf_sensor *s, char args[][64], int max)
{
	static const char *const cf[] = { "AVERAGE", "MIN", "MAX" };
	struct res { long secs, keep; } res[4];
	long step = s->interval, rows;
	int n = 0, i, j, nres = 0;

	rows = (step >= 86400 ? 3653 : step >= 3600 ? 800 : 8) * 86400L /
	    step;
	res[nres++] = (struct res){ step, rows > 20000 ? 20000 : rows };
	if (step < 60)
		res[nres++] = (struct res){ 60, 8 * 1440 };
	if (step < 3600)
		res[nres++] = (struct res){ 3600, 800 * 24 };
	if (step < 86400)
		res[nres++] = (struct res){ 86400, 3653 };
	for (i = 0; i < nres; i++) {
		long per = res[i].secs / step;

		for (j = 0; j < 3 && n < max; j++)
			snprintf(args[n++], 64, "RRA:%s:0.5:%ld:%ld", cf[j],
			    per < 1 ? 1 : per, res[i].keep < 1 ? 1 :
			    res[i].keep);
	}
	return n;
}
