/* uplink.c: HJ 212 spool and TCP client, one thread per uplink */
#include <sys/socket.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/hj212.h"
#include "../lib/hj212_sm4.h"
#include "../lib/log.h"
#include "../lib/samplelog.h"
#include "../lib/samplelog_idx.h"
#include "../lib/util.h"
#include "uplink.h"

#define BUILD_DELAY	3	/* s after a period: its last rows are logged */
#define CATCHUP_MAX	1000	/* periods built for a long stop, at most */
#define BACKOFF_MIN	1.0
#define BACKOFF_MAX	60.0
#define TICK_MS		200	/* how soon a stop is seen */
#define NAME_LEN	32	/* "20260101080000123-0001.pkt" */
#define RBUF_LEN	(4 * HJ212_PKT_MAX)
#define REQ_MAX		16	/* platform requests waiting to be executed */
#define HISTORY_MAX	1440	/* periods one history request may ask for */
#define BEIJING		(8 * 3600)	/* UTC+8: days start at 16:00 UTC */
#define RTD_BEHIND	10	/* real-time ticks missed before skipping */
#define QC_MAX		64	/* check results of one sensor in a period */

/* The uploads of an uplink, built in this order when due together */
enum { SC_RTD, SC_MIN, SC_HOUR, SC_DAY, SC_COUNT };

/* One upload: packets of CN, each for a period of P seconds */
struct sched {
	int		 cn;
	time_t		 p;
	time_t		 off;	/* periods start at k * p - off */
	const char	*mark;	/* the file of the last period built */
	time_t		 next;	/* end of the next period; 0 if off */
	time_t		 done;	/* end of the period whose data are spooled */
	int		 ninfo;	/* ... and how many of its CN=3020 packets */
};

/* what was logged on this connection, once each */
#define LOGGED_PW	0x01	/* a request with a wrong PW */
#define LOGGED_MN	0x02	/* ... a wrong MN */
#define LOGGED_OTHER	0x04	/* ... a CN we do not execute, a bad QN */

struct link {
	const struct conf *c;
	const struct conf_uplink *u;
	const struct hj212_profile *prof;
	atomic_int	*stop;
	pthread_t	 th;
	int		 dfd;		/* the spool directory, -1 if none */
	char		(*names)[NAME_LEN];	/* spool, oldest first */
	size_t		 head, n, cap;	/* names[head..n) are waiting */
	struct sched	 sc[SC_COUNT];
	struct slidx	**idx;		/* per sensor: its sample log read */
	long long	 last_qn;	/* ms of the last QN: QNs only grow */
	int		 fd;		/* to the platform, -1 if none */
	char		 rbuf[RBUF_LEN];
	size_t		 rlen;
	double		 backoff;	/* s before the next connect */
	double		 retry_at;	/* mono_s() */
	int		 drop_logged;
	int		 spool_failed;	/* the last spool_put could not write */
	int		 err_logged;
	struct hj212_msg req[REQ_MAX];	/* accepted (9011 sent), to run */
	size_t		 nreq;
	int		 logged;	/* LOGGED_*, reset on connect */
	pthread_mutex_t	 mu;		/* st */
	struct uplink_stats st;
	int		 sm4;		/* 1: data CPs go encrypted with key */
	unsigned char	 key[HJ212_SM4_KEY_LEN];
};

struct uplinks {
	atomic_int	 stop;
	struct link	*l;
	size_t		 n;
};

static void
set_error(struct link *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Log a failure once until the next success; keep it for status. */
static void
set_error(struct link *l, const char *fmt, ...)
{
	char msg[UPLINK_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!l->err_logged)
		log_warnx("uplink '%s': %s", l->u->name, msg);
	else
		log_debug("uplink '%s': %s", l->u->name, msg);
	l->err_logged = 1;
	pthread_mutex_lock(&l->mu);
	snprintf(l->st.last_error, sizeof(l->st.last_error), "%s", msg);
	pthread_mutex_unlock(&l->mu);
}

static void
stat_update(struct link *l, int sent, int acked)
{
	pthread_mutex_lock(&l->mu);
	l->st.connected = l->fd != -1;
	l->st.backlog = l->n - l->head;
	l->st.sent += (uint64_t)sent;
	l->st.acked += (uint64_t)acked;
	if (acked)
		l->st.last_ack = time(NULL);
	pthread_mutex_unlock(&l->mu);
}

/* --- spool ------------------------------------------------------------ */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
names_push(struct link *l, const char *name)
{
	if (l->head > 0 && l->n == l->cap) {
		memmove(l->names, l->names + l->head,
		    (l->n - l->head) * sizeof(*l->names));
		l->n -= l->head;
		l->head = 0;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		if ((l->names = reallocarray(l->names, l->cap,
		    sizeof(*l->names))) == NULL)
			fatal("uplink");
	}
	snprintf(l->names[l->n++], NAME_LEN, "%s", name);
}

static int
is_pkt(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && n < NAME_LEN && strcmp(name + n - 4, ".pkt") == 0 &&
	    name[0] != '.';
}

/* The packets left from before, oldest (smallest QN) first. */
static void
spool_load(struct link *l)
{
	DIR *d;
	struct dirent *e;
	int fd;

	if ((fd = dup(l->dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		set_error(l, "spool: %s", strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (is_pkt(e->d_name))
			names_push(l, e->d_name);
	closedir(d);
	if (l->n > 1)		/* names is NULL while empty: no qsort(NULL) */
		qsort(l->names, l->n, sizeof(*l->names), name_cmp);
	if (l->n > 0)
		log_info("uplink '%s': %zu packets waiting from before",
		    l->u->name, l->n);
}

/* The oldest packet is gone (sent, or dropped). */
static void
spool_pop(struct link *l)
{
	if (unlinkat(l->dfd, l->names[l->head], 0) == -1 && errno != ENOENT)
		log_warn("uplink '%s': %s", l->u->name, l->names[l->head]);
	l->head++;
	if (l->head == l->n)
		l->head = l->n = 0;
}

/* A full spool drops its oldest packet: counted, logged once a run. */
static void
spool_bound(struct link *l)
{
	while (l->n - l->head > UPLINK_SPOOL_MAX) {
		if (!l->drop_logged)
			log_warnx("uplink '%s': spool full (%d packets), "
			    "dropping the oldest: %s", l->u->name,
			    UPLINK_SPOOL_MAX, l->names[l->head]);
		l->drop_logged = 1;
		spool_pop(l);
		pthread_mutex_lock(&l->mu);
		l->st.dropped++;
		pthread_mutex_unlock(&l->mu);
	}
}

/* hj212_pack's emit: the packet into the spool, fsync'd. */
static int
spool_put(const char *pkt, size_t len, void *arg)
{
	struct link *l = arg;
	struct hj212_msg m;
	char name[NAME_LEN], err[LW_ERRLEN];
	size_t used;

	if (hj212_parse(pkt, len, &m, &used, err) != 1)
		fatalx("uplink: a packet of ours does not parse: %s", err);
	if (m.hdr.pnum > 0)
		snprintf(name, sizeof(name), "%s-%04d.pkt", m.hdr.qn,
		    m.hdr.pno);
	else
		snprintf(name, sizeof(name), "%s.pkt", m.hdr.qn);
	if (write_replace_at(l->dfd, name, pkt, len, 0640, 1) == -1) {
		set_error(l, "spool %s: %s", name, strerror(errno));
		l->spool_failed = 1;
		return -1;
	}
	names_push(l, name);
	spool_bound(l);
	return 0;
}

/* --- building --------------------------------------------------------- */

static void
add_row(void *arg, const struct samplelog_row *r)
{
	hj212_stat_add(arg, r->value, r->flag);
}

/*
 * A QN of now, later than the last one (packets built in one ms). Kept
 * in whole ms: a double stepped by 0.001 drifts below the ms it means
 * and printed two packets with one QN, one spool file for both.
 */
static void
next_qn(struct link *l, char qn[HJ212_QN_LEN + 1])
{
	long long ms = (long long)floor(wall_now() * 1000);
	lldiv_t s;

	if (ms <= l->last_qn)
		ms = l->last_qn + 1;
	l->last_qn = ms;
	s = lldiv(ms, 1000);
	/* + 0.0002: no rounding down to the ms before */
	hj212_qn((double)s.quot + (double)s.rem / 1000 + 0.0002, qn);
}

/* CP of CN for the period [FROM, TO) into CP (LEN): its length or -1. */
static int
build_cp(struct link *l, int cn, time_t from, time_t to, char *cp,
    size_t len)
{
	const struct conf *c = l->c;
	struct hj212_stat *st = NULL;
	struct hj212_rtd *rt = NULL;
	struct samplelog_row row;
	char err[LW_ERRLEN];
	size_t i;
	int n;

	if (cn == HJ212_CN_RTD)
		rt = calloc(c->nsensor + 1, sizeof(*rt));
	else
		st = calloc(c->nsensor + 1, sizeof(*st));
	if (rt == NULL && st == NULL)
		fatal("uplink");
	for (i = 0; i < c->nsensor; i++) {
		if (rt != NULL) {
			snprintf(rt[i].code, sizeof(rt[i].code), "%s",
			    c->sensors[i].hj212_code);
			rt[i].decimals = c->sensors[i].decimals;
			if ((n = samplelog_last(c, c->sensors[i].name, from, to,
			    &row, err)) == 1) {
				rt[i].value = row.value;
				rt[i].flag = row.flag;
			}
		} else {
			hj212_stat_init(&st[i], c->sensors[i].hj212_code,
			    c->sensors[i].decimals);
			n = slidx_scan(l->idx[i], c, c->sensors[i].name, from,
			    to, add_row, &st[i], err);
		}
		if (n == -1)
			log_warnx("uplink '%s': %s", l->u->name, err);
	}
	/* real-time data are as of the interval's end, the rest its start */
	n = rt != NULL ? hj212_cp_rtd(cp, len, to, rt, c->nsensor) :
	    hj212_cp_stats(cp, len, from, st, c->nsensor);
	free(rt);
	free(st);
	return n;
}

/* The packets of CN for the period [FROM, TO) into the spool. 0 or -1. */
static int
build(struct link *l, int cn, time_t from, time_t to)
{
	struct hj212_hdr h;
	char *cp;
	size_t len = 64 + l->c->nsensor * (4 * HJ212_CODE_MAX + 96);
	int rc = -1;

	if ((cp = malloc(len)) == NULL)
		fatal("uplink");
	memset(&h, 0, sizeof(h));
	next_qn(l, h.qn);
	h.st = l->u->st;
	h.cn = cn;
	snprintf(h.pw, sizeof(h.pw), "%s", l->u->pw);
	snprintf(h.mn, sizeof(h.mn), "%s", l->u->mn);
	h.flag = l->prof->version | (l->u->ack ? HJ212_FLAG_A : 0);
	if (build_cp(l, cn, from, to, cp, len) < 0)
		set_error(l, "CN=%d period %lld: CP too long", cn,
		    (long long)from);
	else if (hj212_pack(&h, cp, spool_put, l) < 0)
		set_error(l, "CN=%d period %lld: cannot pack", cn,
		    (long long)from);
	else
		rc = 0;
	free(cp);
	return rc;
}

/* A sensor's check results and latest flag in a period */
struct info_scan {
	struct samplelog_row qc[QC_MAX];
	int		 nqc;
	char		 last;
};

static void
info_row(void *arg, const struct samplelog_row *r)
{
	struct info_scan *s = arg;

	s->last = r->flag;
	if (r->flag == 'C' && isfinite(r->value) && s->nqc < QC_MAX)
		s->qc[s->nqc++] = *r;
}

/*
 * The K-th CN=3020 packet of the period of S, of CODE as of T with
 * ITEMS, into the spool unless it is there already (a retry). 0, or -1
 * if the spool did not take it.
 */
static int
info_put(struct link *l, struct sched *s, int k, time_t t, const char *code,
    const char *items)
{
	struct hj212_hdr h;
	char cp[HJ212_DATA_MAX + 1];

	if (k < s->ninfo)
		return 0;
	memset(&h, 0, sizeof(h));
	next_qn(l, h.qn);
	h.st = l->u->st;
	h.cn = HJ212_CN_INFO;
	snprintf(h.pw, sizeof(h.pw), "%s", l->u->pw);
	snprintf(h.mn, sizeof(h.mn), "%s", l->u->mn);
	h.flag = l->prof->version | (l->u->ack ? HJ212_FLAG_A : 0);
	l->spool_failed = 0;
	if (hj212_cp_info(cp, sizeof(cp), t, code, items) < 0 ||
	    hj212_pack(&h, cp, spool_put, l) < 0) {
		if (l->spool_failed)
			return -1;	/* said; tried again in a moment */
		/* never fits: trying again would stop every upload */
		set_error(l, "CN=3020 of %s: cannot pack", code);
	}
	s->ninfo++;
	return 0;
}

/*
 * Profiles with quality-control results and device status (hj1404, see
 * lib/hj212.c): after the period [FROM, TO) of S, each check result (a
 * sample flagged C) of each sensor, then its working state at TO. 0, or
 * -1 if a packet could not be spooled (those before it are: S counts).
 */
static int
build_info(struct link *l, struct sched *sc, time_t from, time_t to)
{
	const struct conf *c = l->c;
	const struct conf_sensor *se;
	struct info_scan *s;
	char items[128], err[LW_ERRLEN];
	size_t i;
	int k, n = 0, rc = 0;

	if ((s = malloc(sizeof(*s))) == NULL)
		fatal("uplink");
	for (i = 0; i < c->nsensor && rc == 0; i++) {
		se = &c->sensors[i];
		s->nqc = 0;
		s->last = 0;
		if (slidx_scan(l->idx[i], c, se->name, from, to, info_row, s,
		    err) == -1)
			log_warnx("uplink '%s': %s", l->u->name, err);
		for (k = 0; k < s->nqc && rc == 0 && l->prof->qc; k++) {
			snprintf(items, sizeof(items), "i12101-Info=%d;"
			    "%s-Rtd=%.*f,%s-Flag=C", hj212_state('C'),
			    se->hj212_code, se->decimals, s->qc[k].value,
			    se->hj212_code);
			rc = info_put(l, sc, n++, s->qc[k].t, se->hj212_code,
			    items);
		}
		if (rc == 0 && l->prof->status && hj212_state(s->last) >= 0) {
			snprintf(items, sizeof(items), "i12101-Info=%d",
			    hj212_state(s->last));
			rc = info_put(l, sc, n++, to, se->hj212_code, items);
		}
	}
	free(s);
	return rc;
}

/* The end of the period of S that contains T */
static time_t
period_end(const struct sched *s, time_t t)
{
	t += s->off;
	return t - t % s->p + s->p - s->off;
}

/*
 * <spool>/<mark>: the end of the last period of S built. Without it (or
 * without a mark: real-time data are never built for the past) the
 * first period is the one running now.
 */
static void
last_load(struct link *l, struct sched *s)
{
	char buf[32], *end;
	time_t now = time(NULL), p = s->p;
	long long v;
	ssize_t n;
	int fd;

	s->next = period_end(s, now);
	if (s->mark == NULL ||
	    (fd = openat(l->dfd, s->mark, O_RDONLY | O_NOFOLLOW)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\0' && *end != '\n') ||
	    (v + s->off) % p != 0 || v > now + p)
		return;
	s->next = (time_t)v + p;
	if ((now - s->next) / p > CATCHUP_MAX) {
		log_warnx("uplink '%s': down for more than %d periods of "
		    "CN=%d; building only the last %d", l->u->name,
		    CATCHUP_MAX, s->cn, CATCHUP_MAX);
		s->next = period_end(s, now) - CATCHUP_MAX * p;
	}
}

static void
last_save(struct link *l, const struct sched *s, time_t end)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld\n", (long long)end);

	if (s->mark != NULL && write_replace_at(l->dfd, s->mark, buf,
	    (size_t)n, 0640, 1) == -1)
		set_error(l, "spool/%s: %s", s->mark, strerror(errno));
}

/*
 * The uploads of the uplink. A mark of an upload that is off is removed:
 * turned on later, it starts with the period running then rather than
 * building the ones it was off for.
 */
static void
sched_init(struct link *l)
{
	static const struct { int cn; const char *mark; } def[SC_COUNT] = {
		[SC_RTD] = { HJ212_CN_RTD, NULL },
		[SC_MIN] = { HJ212_CN_MIN, "last-2051" },
		[SC_HOUR] = { HJ212_CN_HOUR, "last" },
		[SC_DAY] = { HJ212_CN_DAY, "last-2031" },
	};
	const struct conf_uplink *u = l->u;
	time_t p[SC_COUNT];
	int i;

	p[SC_RTD] = (time_t)u->realtime;
	p[SC_MIN] = (time_t)u->minute * 60;
	p[SC_HOUR] = u->hourly ? (time_t)u->period : 0;
	p[SC_DAY] = u->daily ? 86400 : 0;
	for (i = 0; i < SC_COUNT; i++) {
		struct sched *s = &l->sc[i];

		s->cn = def[i].cn;
		s->mark = def[i].mark;
		s->p = p[i];
		s->next = 0;
		if (s->p <= 0) {
			if (s->mark != NULL)
				(void)unlinkat(l->dfd, s->mark, 0);
			continue;
		}
		/* hourly periods stay on the epoch, as they always were */
		s->off = i == SC_HOUR ? 0 : BEIJING % s->p;
		last_load(l, s);
	}
}

/* The upload due first (the earliest period end), or NULL. */
static struct sched *
sched_due(struct link *l, time_t now)
{
	struct sched *best = NULL;
	int i;

	for (i = 0; i < SC_COUNT; i++)
		if (l->sc[i].next != 0 && now >= l->sc[i].next + BUILD_DELAY &&
		    (best == NULL || l->sc[i].next < best->next))
			best = &l->sc[i];
	return best;
}

/* Build every period that has ended (and whose rows are logged). */
static void
build_due(struct link *l)
{
	struct sched *s;
	time_t now;

	while (!*l->stop && (s = sched_due(l, now = time(NULL))) != NULL) {
		/* real-time data long gone by are no longer real-time */
		if (s->mark == NULL && (now - s->next) / s->p > RTD_BEHIND)
			s->next = period_end(s, now - BUILD_DELAY) - s->p;
		if (s->done != s->next) {
			if (build(l, s->cn, s->next - s->p, s->next) == -1)
				return;		/* tried again in a moment */
			s->done = s->next;
			s->ninfo = 0;
		}
		/* the mark moves once every packet of the period is spooled;
		   a retry does not spool again the ones that were */
		if (s->cn == HJ212_CN_HOUR && (l->prof->qc || l->prof->status) &&
		    build_info(l, s, s->next - s->p, s->next) == -1)
			return;
		last_save(l, s, s->next);
		s->next += s->p;
	}
}

/* --- the connection --------------------------------------------------- */

static void
drop_conn(struct link *l)
{
	if (l->fd != -1)
		close(l->fd);
	l->fd = -1;
	l->rlen = 0;
	l->nreq = 0;		/* the platform asks again on its next link */
	l->retry_at = mono_s() + l->backoff;
	l->backoff = fmin(l->backoff * 2, BACKOFF_MAX);
	stat_update(l, 0, 0);
}

/* poll FD for EV until DEADLINE (mono_s) or a stop: 1, 0 (time), -1. */
static int
wait_fd(struct link *l, int fd, short ev, double deadline)
{
	struct pollfd pfd = { fd, ev, 0 };
	double left;
	int rc;

	while (!*l->stop && (left = deadline - mono_s()) > 0) {
		rc = poll(&pfd, 1, (int)fmin(TICK_MS, ceil(left * 1000)));
		if (rc > 0)
			return 1;
		if (rc == -1 && errno != EINTR)
			return -1;
	}
	return 0;
}

/* Non-blocking connect to one address, at most the uplink's timeout. */
static int
connect_one(struct link *l, const struct addrinfo *ai)
{
	socklen_t sl = sizeof(int);
	int fd, e = 0;

	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol)) == -1)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		if (wait_fd(l, fd, POLLOUT, mono_s() + l->u->timeout) != 1) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) == -1)
			goto fail;
		if (e != 0) {
			errno = e;
			goto fail;
		}
	}
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int
connect_platform(struct link *l)
{
	struct addrinfo hints, *res, *ai;
	char port[8];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", l->u->port);
	if ((rc = getaddrinfo(l->u->host, port, &hints, &res)) != 0) {
		set_error(l, "%s: %s", l->u->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && l->fd == -1; ai = ai->ai_next)
		l->fd = connect_one(l, ai);
	freeaddrinfo(res);
	if (l->fd == -1) {
		set_error(l, "connect %s:%d: %s", l->u->host, l->u->port,
		    strerror(errno));
		return -1;
	}
	log_info("uplink '%s': connected to %s:%d", l->u->name, l->u->host,
	    l->u->port);
	l->logged = 0;
	stat_update(l, 0, 0);
	return 0;
}

/*
 * All LEN bytes of P, within the timeout. 0, or -1 (error set). The
 * spool keeps plain packets: they are encrypted here, with the key of
 * the config that sends them.
 */
static int
send_all(struct link *l, const char *p, size_t len)
{
	double deadline = mono_s() + l->u->timeout;
	char enc[HJ212_PKT_MAX + 1];
	ssize_t n;

	if (l->sm4) {
		if (len > HJ212_PKT_MAX || (memcpy(enc, p, len),
		    hj212_sm4_packet(l->key, enc, len, 1)) == -1) {
			set_error(l, "SM4 encryption failed");
			return -1;
		}
		p = enc;
	}

	while (len > 0) {
		n = send(l->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			set_error(l, "send: %s", strerror(errno));
			return -1;
		}
		if (wait_fd(l, l->fd, POLLOUT, deadline) != 1) {
			set_error(l, "send: timed out");
			return -1;
		}
	}
	return 0;
}

/* --- platform requests (HJ 212-2017 6.x and App. C exchanges) ------- */

static void
reply(struct link *l, const char *qn, int st, int cn, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Send our packet CN with CP (printf FMT) answering the request QN. */
static void
reply(struct link *l, const char *qn, int st, int cn, const char *fmt, ...)
{
	char cp[HJ212_DATA_MAX + 1], pkt[HJ212_PKT_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(cp, sizeof(cp), fmt, ap);
	va_end(ap);
	if ((n = hj212_reply_v(l->prof->version, qn, st, cn, l->u->pw,
	    l->u->mn, cp, pkt)) < 0) {
		log_warnx("uplink '%s': answer CN=%d to QN=%s does not fit",
		    l->u->name, cn, qn);
		return;
	}
	(void)send_all(l, pkt, (size_t)n);	/* a failure shows at recv */
}

/* Log a refusal once a connection for each of PW, MN and the rest. */
static void
request_log(struct link *l, const struct hj212_msg *m, int rtn)
{
	int bit = rtn == HJ212_QN_BAD_PW ? LOGGED_PW :
	    rtn == HJ212_QN_BAD_MN ? LOGGED_MN : LOGGED_OTHER;

	if (rtn == HJ212_QN_READY)
		log_debug("uplink '%s': request CN=%d QN=%s", l->u->name,
		    m->hdr.cn, m->hdr.qn);
	else if (m->hdr.cn == HJ212_CN_SET_TIME && rtn == HJ212_QN_REFUSED)
		log_info("uplink '%s': the platform asked to set the clock "
		    "(CN=1012, QN=%s): refused, the system keeps the time",
		    l->u->name, m->hdr.qn);
	else if (l->logged & bit)
		log_debug("uplink '%s': request CN=%d refused, QnRtn=%d",
		    l->u->name, m->hdr.cn, rtn);
	else {
		log_warnx("uplink '%s': request CN=%d QN=%s refused, QnRtn=%d "
		    "(%s); logged once a connection", l->u->name, m->hdr.cn,
		    m->hdr.qn, rtn, rtn == HJ212_QN_BAD_PW ? "wrong PW" :
		    rtn == HJ212_QN_BAD_MN ? "wrong MN" :
		    rtn == HJ212_QN_BAD_QN ? "bad QN" : "not supported");
		l->logged |= bit;
	}
}

/*
 * A request from the platform: answer 9011 at once; keep what is to be
 * executed for the main loop (never run inside a wait for a 9014).
 */
static void
request(struct link *l, const struct hj212_msg *m)
{
	int rtn = hj212_qnrtn(m, l->u->pw, l->u->mn);

	if (rtn == HJ212_QN_READY && l->nreq == REQ_MAX)
		rtn = HJ212_QN_REFUSED;		/* flooded: ask again */
	request_log(l, m, rtn);
	reply(l, m->hdr.qn, HJ212_ST_SYSTEM, HJ212_CN_QNRTN, "QnRtn=%d", rtn);
	if (rtn == HJ212_QN_READY)
		l->req[l->nreq++] = *m;
}

/*
 * Take what the platform sent: 1 if it holds a 9014 for QN, 0 if not
 * (yet), -1 if the connection ended. Anything else is logged and left.
 */
static int
take_answers(struct link *l, const char *qn)
{
	struct hj212_msg m;
	char err[LW_ERRLEN];
	size_t used;
	ssize_t n;
	int rc, found = 0;

	n = recv(l->fd, l->rbuf + l->rlen, sizeof(l->rbuf) - l->rlen,
	    MSG_DONTWAIT);
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		set_error(l, "platform closed the connection%s%s",
		    n == 0 ? "" : ": ", n == 0 ? "" : strerror(errno));
		return -1;
	}
	if (n > 0)
		l->rlen += (size_t)n;
	while (l->rlen > 0 && (rc = hj212_parse(l->rbuf, l->rlen, &m, &used,
	    err)) != 0) {
		if (rc == -1)
			log_debug("uplink '%s': from the platform: %s",
			    l->u->name, err);
		else if (m.hdr.cn == HJ212_CN_DATA_ACK && qn != NULL &&
		    strcmp(m.hdr.qn, qn) == 0)
			found = 1;
		else if (m.hdr.cn < HJ212_CN_QNRTN)
			request(l, &m);
		else
			log_debug("uplink '%s': ignored CN=%d QN=%s",
			    l->u->name, m.hdr.cn, m.hdr.qn);
		memmove(l->rbuf, l->rbuf + used, l->rlen - used);
		l->rlen -= used;
	}
	if (l->rlen == sizeof(l->rbuf))	/* no packet fits: not ours */
		l->rlen = 0;
	return found;
}

/* Wait for the 9014 of QN: 1, 0 (timeout or stop), -1 (connection). */
static int
wait_ack(struct link *l, const char *qn)
{
	double deadline = mono_s() + l->u->timeout;
	int rc;

	for (;;) {
		if ((rc = take_answers(l, qn)) != 0)
			return rc;
		if ((rc = wait_fd(l, l->fd, POLLIN, deadline)) != 1)
			return rc == 0 ? 0 : -1;
	}
}

/* Rows of one sensor into the period they fall in. */
struct bucket {
	struct hj212_stat *st;	/* [period][sensor] */
	size_t		 nsensor, i;
	time_t		 first, p;
	long		 n;
	int		 rows;
};

static void
bucket_row(void *arg, const struct samplelog_row *r)
{
	struct bucket *b = arg;
	long k = (long)((r->t - b->first) / b->p);

	if (r->t < b->first || k >= b->n)
		return;
	hj212_stat_add(&b->st[(size_t)k * b->nsensor + b->i], r->value,
	    r->flag);
	b->rows++;
}

/* One scan of each sensor's log for all periods: 0, or -1 (logged). */
static int
bucket_fill(struct link *l, struct bucket *b)
{
	const struct conf *c = l->c;
	char err[LW_ERRLEN];
	size_t i;
	long k;

	for (k = 0; k < b->n; k++)
		for (i = 0; i < c->nsensor; i++)
			hj212_stat_init(&b->st[(size_t)k * c->nsensor + i],
			    c->sensors[i].hj212_code, c->sensors[i].decimals);
	for (i = 0; i < c->nsensor; i++) {
		b->i = i;
		if (slidx_scan(l->idx[i], c, c->sensors[i].name, b->first,
		    b->first + b->n * b->p, bucket_row, b, err) == -1) {
			log_warnx("uplink '%s': %s", l->u->name, err);
			return -1;
		}
	}
	return 0;
}

/* hj212_pack's emit for an answer: sent, and acknowledged if asked. */
static int
send_answer(const char *pkt, size_t len, void *arg)
{
	struct link *l = arg;
	int i, rc;

	for (i = 0; i <= l->u->retries && !*l->stop; i++) {
		if (send_all(l, pkt, len) == -1)
			return -1;
		if (!l->u->ack)
			return 0;
		/* the request's QN: a late 9014 may stand for the one before */
		if ((rc = wait_ack(l, l->req[0].hdr.qn)) != 0)
			return rc == 1 ? 0 : -1;
	}
	set_error(l, "no answer to the data for QN=%s", l->req[0].hdr.qn);
	return -1;
}

/* Send the periods of a history request: its ExeRtn, or -1 if the link
   failed (no 9012 can follow). */
static int
history_send(struct link *l, const struct hj212_msg *m, struct bucket *b)
{
	const struct conf *c = l->c;
	struct hj212_hdr h;
	size_t len = 64 + c->nsensor * (4 * HJ212_CODE_MAX + 96);
	char *cp;
	long k;
	int rc = HJ212_EXE_OK;

	if ((cp = malloc(len)) == NULL)
		fatal("uplink");
	memset(&h, 0, sizeof(h));
	memcpy(h.qn, m->hdr.qn, sizeof(h.qn));
	h.st = l->u->st;
	h.cn = m->hdr.cn;
	snprintf(h.pw, sizeof(h.pw), "%s", l->u->pw);
	snprintf(h.mn, sizeof(h.mn), "%s", l->u->mn);
	h.flag = l->prof->version | (l->u->ack ? HJ212_FLAG_A : 0);
	for (k = 0; k < b->n && rc == HJ212_EXE_OK && !*l->stop; k++) {
		if (hj212_cp_stats(cp, len, b->first + k * b->p,
		    &b->st[(size_t)k * c->nsensor], c->nsensor) < 0)
			rc = HJ212_EXE_FAILED;
		else if (hj212_pack(&h, cp, send_answer, l) < 0)
			rc = -1;
	}
	free(cp);
	return rc;
}

/*
 * CN=2061 (periods of the uplink's period), 2031 (Beijing days) or 2051
 * (the uplink's minute periods, else minutes) for each period that starts within [BeginTime, EndTime] and
 * has ended, from the sample log (one scan per sensor). Returns the
 * ExeRtn: 3 for a missing or reversed range or more than HISTORY_MAX
 * periods, 100 if the log has no row in it; -1 if the link failed.
 */
static int
history(struct link *l, const struct hj212_msg *m)
{
	struct bucket b;
	time_t begin, end;
	int rc;

	memset(&b, 0, sizeof(b));
	b.p = m->hdr.cn == HJ212_CN_HOUR ? (time_t)l->u->period :
	    m->hdr.cn == HJ212_CN_DAY ? 86400 :
	    l->u->minute > 0 ? (time_t)l->u->minute * 60 : 60;
	if (hj212_range(m->cp, &begin, &end) == -1)
		return HJ212_EXE_BAD_COND;
	b.n = hj212_periods(begin, end, time(NULL) - BUILD_DELAY, b.p,
	    &b.first);
	if (b.n > HISTORY_MAX) {
		log_warnx("uplink '%s': request CN=%d QN=%s asks for %ld "
		    "periods, at most %d are sent: ExeRtn=3", l->u->name,
		    m->hdr.cn, m->hdr.qn, b.n, HISTORY_MAX);
		return HJ212_EXE_BAD_COND;
	}
	if (b.n == 0)
		return HJ212_EXE_NO_DATA;
	b.nsensor = l->c->nsensor;
	if ((b.st = calloc((size_t)b.n * b.nsensor + 1, sizeof(*b.st))) ==
	    NULL)
		fatal("uplink");
	if (bucket_fill(l, &b) == -1)
		rc = HJ212_EXE_FAILED;
	else if (b.rows == 0)
		rc = HJ212_EXE_NO_DATA;
	else
		rc = history_send(l, m, &b);
	free(b.st);
	return rc;
}

/* Execute the oldest request accepted: its data, then 9012. */
static void
run_request(struct link *l)
{
	const struct hj212_msg *m = &l->req[0];
	char t[HJ212_TIME_LEN + 1], pol[HJ212_CODE_MAX + 1];
	int rc = HJ212_EXE_OK;

	if (m->hdr.cn == HJ212_CN_GET_TIME) {
		hj212_time(time(NULL), t);
		if (hj212_cp_get(m->cp, "PolId", pol, sizeof(pol)) == 0)
			reply(l, m->hdr.qn, l->u->st, m->hdr.cn,
			    "PolId=%s;SystemTime=%s", pol, t);
		else
			reply(l, m->hdr.qn, l->u->st, m->hdr.cn,
			    "SystemTime=%s", t);
	} else
		rc = history(l, m);
	if (rc == -1) {
		drop_conn(l);
		return;
	}
	log_debug("uplink '%s': request CN=%d QN=%s done, ExeRtn=%d",
	    l->u->name, m->hdr.cn, m->hdr.qn, rc);
	reply(l, m->hdr.qn, HJ212_ST_SYSTEM, HJ212_CN_EXERTN, "ExeRtn=%d", rc);
	memmove(l->req, l->req + 1, (l->nreq - 1) * sizeof(*l->req));
	l->nreq--;
}

/* The oldest packet's bytes and QN. 0, or -1: it is unreadable. */
static int
read_head(struct link *l, char *pkt, size_t *len, char qn[HJ212_QN_LEN + 1])
{
	struct hj212_msg m;
	char err[LW_ERRLEN];
	size_t used;
	ssize_t n;
	int fd;

	if ((fd = openat(l->dfd, l->names[l->head], O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, pkt, HJ212_PKT_MAX + 1);
	close(fd);
	if (n <= 0 || hj212_parse(pkt, (size_t)n, &m, &used, err) != 1 ||
	    used != (size_t)n)
		return -1;
	*len = used;
	memcpy(qn, m.hdr.qn, HJ212_QN_LEN + 1);
	return 0;
}

/*
 * Send the oldest packet: up to 1 + retries times while no 9014 comes.
 * 1 if it left the spool, 0 if not (the connection is dropped then).
 */
static int
deliver_head(struct link *l)
{
	char pkt[HJ212_PKT_MAX + 2], qn[HJ212_QN_LEN + 1];
	size_t len;
	int i, rc = 0;

	if (read_head(l, pkt, &len, qn) == -1) {
		log_warnx("uplink '%s': spool %s is unreadable or no packet; "
		    "removed", l->u->name, l->names[l->head]);
		spool_pop(l);
		return 1;
	}
	for (i = 0; i <= l->u->retries && !*l->stop; i++) {
		if (take_answers(l, NULL) == -1 || send_all(l, pkt, len) == -1)
			break;
		stat_update(l, 1, 0);
		if (!l->u->ack || (rc = wait_ack(l, qn)) == 1) {
			spool_pop(l);
			l->backoff = BACKOFF_MIN;
			l->err_logged = 0;
			stat_update(l, 0, l->u->ack);
			return 1;
		}
		if (rc == -1)
			break;
		if (!*l->stop)
			log_debug("uplink '%s': no answer to %s", l->u->name,
			    qn);
	}
	if (i > l->u->retries)
		set_error(l, "no answer to QN=%s after %d sends", qn, i);
	if (!*l->stop)
		drop_conn(l);
	return 0;
}

/* Nothing to send: watch the connection so that a close is seen. */
static void
idle(struct link *l)
{
	struct timespec ts = { 0, TICK_MS * 1000000L };

	if (l->fd == -1)
		nanosleep(&ts, NULL);
	else if (wait_fd(l, l->fd, POLLIN, mono_s() + TICK_MS / 1000.0) == 1 &&
	    take_answers(l, NULL) == -1)
		drop_conn(l);
}

/*
 * What the uplink builds first and what it holds: the periods before
 * the first one named here are never built (none was marked as sent).
 */
static void
log_started(struct link *l)
{
	char buf[256], when[32];
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < SC_COUNT && len < sizeof(buf); i++) {
		if (l->sc[i].next == 0)
			continue;
		fmt_rfc3339(l->sc[i].next - l->sc[i].p, when, sizeof(when));
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "%sCN=%d from %s", len > 0 ? ", " : "", l->sc[i].cn, when);
	}
	log_info("uplink '%s': to %s:%d, %zu packets waiting; builds %s",
	    l->u->name, l->u->host, l->u->port, l->n - l->head,
	    len > 0 ? buf : "nothing");
}

static void *
link_thread(void *arg)
{
	struct link *l = arg;
	char comm[16];

	/* top -H, ps -L: up-NAME, cut to the kernel's 15 bytes */
	snprintf(comm, sizeof(comm), "up-%s", l->u->name);
	pthread_setname_np(pthread_self(), comm);
	spool_load(l);
	sched_init(l);
	log_started(l);
	stat_update(l, 0, 0);
	while (!*l->stop) {
		build_due(l);
		stat_update(l, 0, 0);
		if (l->fd != -1 && l->nreq > 0)
			run_request(l);
		else if (l->head == l->n)
			idle(l);
		else if (l->fd == -1 && mono_s() < l->retry_at)
			idle(l);
		else if (l->fd == -1 && connect_platform(l) == -1)
			drop_conn(l);
		else if (l->fd != -1)
			deliver_head(l);
		if (l->head == l->n)
			l->drop_logged = 0;
	}
	if (l->fd != -1)
		close(l->fd);
	return NULL;
}

static void
link_init(struct link *l, const struct conf *c, size_t i, atomic_int *stop)
{
	char sub[PATH_MAX];
	size_t k;

	memset(l, 0, sizeof(*l));
	l->c = c;
	l->u = &c->uplinks[i];
	l->prof = hj212_profile(l->u->protocol);
	l->sm4 = l->u->sm4_key != NULL &&
	    hj212_sm4_key(l->u->sm4_key, l->key) == 0;
	l->stop = stop;
	l->fd = -1;
	l->backoff = BACKOFF_MIN;
	if ((l->idx = calloc(c->nsensor + 1, sizeof(struct slidx *))) == NULL)
		fatal("uplink");
	for (k = 0; k < c->nsensor; k++)
		if ((l->idx[k] = slidx_new()) == NULL)
			fatal("uplink");
	pthread_mutex_init(&l->mu, NULL);
	snprintf(sub, sizeof(sub), "uplink/%s", l->u->name);
	if ((l->dfd = dir_open_below(c->state_dir, sub, 1, 0750)) == -1)
		fatal("uplink '%s': %s/%s", l->u->name, c->state_dir, sub);
}

struct uplinks *
uplinks_start(const struct conf *c)
{
	struct uplinks *up;
	size_t i;

	if ((up = calloc(1, sizeof(*up))) == NULL ||
	    (up->l = calloc(c->nuplink + 1, sizeof(*up->l))) == NULL)
		fatal("uplink");
	for (i = 0; i < c->nuplink; i++) {
		link_init(&up->l[i], c, i, &up->stop);
		if ((errno = pthread_create(&up->l[i].th, NULL, link_thread,
		    &up->l[i])) != 0)
			fatal("uplink thread");
		up->n++;
	}
	return up;
}

void
uplinks_stop(struct uplinks *up)
{
	size_t i, k;

	if (up == NULL)
		return;
	up->stop = 1;
	for (i = 0; i < up->n; i++) {
		pthread_join(up->l[i].th, NULL);
		close(up->l[i].dfd);
		free(up->l[i].names);
		for (k = 0; k < up->l[i].c->nsensor; k++)
			slidx_free(up->l[i].idx[k]);
		free(up->l[i].idx);
		pthread_mutex_destroy(&up->l[i].mu);
	}
	free(up->l);
	free(up);
}

void
uplinks_stats(struct uplinks *up, size_t i, struct uplink_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (up == NULL || i >= up->n)
		return;
	pthread_mutex_lock(&up->l[i].mu);
	*st = up->l[i].st;
	pthread_mutex_unlock(&up->l[i].mu);
}
