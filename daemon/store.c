/*
 * store.c: RRD files through librrd or rrdcached, behind a bounded buffer
 *
 * The buffer is one ring of values in the order they were accepted; each
 * file threads its own entries through it (head .. tail) and marks the
 * first one not yet sent (pend). Values stay in the ring after they are
 * sent and only leave when newer ones push them out, so after rrdcached
 * comes back (it may have lost what it had not journaled) each file is
 * re-synchronised with LAST and whatever is newer is sent again. The
 * ring starts small and doubles up to the bound as it fills; with a
 * durable backend (librrd) sent values leave after KEEP s and it
 * shrinks again, so it is as large as the backlog, not the bound.
 *
 * The files' layout and the backends are lib/rrdfile.c (librrd) and
 * lib/rrdcached.c (our rrdcached client, with time-outs).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/log.h"
#include "../lib/rrdcached.h"
#include "../lib/util.h"
#include "store.h"

#define CHUNK		64	/* values per update call */
#define RING_MIN	256	/* entries of a new ring */
#define KEEP		60	/* s: written values kept (durable backend) */
#define BACKOFF_MIN	0.5	/* s: reconnecting to rrdcached */
#define BACKOFF_MAX	30.0
#define FILE_BACKOFF	1.0	/* s: a file that failed, doubling ... */
#define FILE_BACKOFF_MAX 60.0	/* ... up to this */
#define STORE_ELATER	(-3)	/* stopping: the file is left to next start */

/*
 * An entry of the ring: 20 bytes, not 24 (a time_t, and the padding
 * after the ints), as a thousand devices keep 100000 of them (what waits
 * for store_batch, and what was written the last minute): 0.4 MB.
 * T: seconds since 1970, to 2106.
 */
struct ent {
	uint32_t	 t;
	double		 v;		/* NAN: UNKNOWN */
	int		 file;
	int		 next;		/* the file's next entry, -1 */
} __attribute__((packed));

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

struct store {
	pthread_mutex_t		 mu;		/* all of it, but for I/O */
	const struct conf	*c;
	const struct store_ops	*ops;
	void			*be;
	struct rrdc		*rc;		/* with rrdcached */
	struct sfile		*files;
	size_t			 nfile;
	struct ent		*ring;
	size_t			 cap, head, count;
	size_t			 max;		/* cap may grow to this */
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

/*
 * A backend call: made without the lock, as it may take seconds (a file
 * being made, rrdcached timing out) and store_put must not wait for it.
 * What the writer holds across it is re-read after: the ring may have
 * moved on (ring_evict), the rest is the writer's alone.
 */
static void
io_out(struct store *st)
{
	pthread_mutex_unlock(&st->mu);
}

static int
io_in(struct store *st, int rc)
{
	pthread_mutex_lock(&st->mu);
	return rc;
}

#define IO(st, call)	(io_out(st), io_in((st), (call)))

/* ---- the buffer -------------------------------------------------- */

/* Said once an episode: drops_over ends it. */
static void
drop_note(struct store *st)
{
	if (st->dropped++ == st->dropped_seen)
		log_warnx("store: buffer full (%zu values): dropping the "
		    "oldest unwritten values (the sample log keeps them)",
		    st->max);
}

/* 1 if ring entry I has not been written (it is pend or after it). */
static int
ent_unsent(const struct store *st, size_t i)
{
	const struct sfile *f = &st->files[st->ring[i].file];

	return f->pend != -1 && st->ring[f->pend].t <= st->ring[i].t;
}

/* Make room: the oldest entry goes, sent or not. */
static void
ring_evict(struct store *st)
{
	struct ent *e;
	struct sfile *f;

	if (st->count == 0 || st->cap == 0)
		return;			/* nothing to make room from */
	e = &st->ring[st->head];
	f = &st->files[e->file];
	if (f->pend == (int)st->head) {
		f->pend = e->next;
		f->npend--;
		st->pending--;
		drop_note(st);
	}
	if ((f->head = e->next) == -1)
		f->tail = -1;
	st->head = st->head + 1 == st->cap ? 0 : st->head + 1;
	st->count--;
}

/* Ring index I after the ring is laid out again from 0 (ring_resize). */
static int
ring_moved(const struct store *st, int i)
{
	/* an empty ring (cap 0) holds no entry: I is -1 */
	return i < 0 || st->cap == 0 ? -1 :
	    (int)((i + st->cap - st->head) % st->cap);
}

/* CAP entries (count at most), the oldest at 0; 0, or -1 no memory. */
static int
ring_resize(struct store *st, size_t cap)
{
	struct ent *r;
	struct sfile *f;
	size_t i;

	if (cap < st->count || cap == 0 ||
	    (r = calloc(cap, sizeof(*r))) == NULL)
		return -1;
	for (i = 0; i < st->count; i++) {
		r[i] = st->ring[(st->head + i) % st->cap];
		r[i].next = ring_moved(st, r[i].next);
	}
	for (i = 0; i < st->nfile; i++) {
		f = &st->files[i];
		f->head = ring_moved(st, f->head);
		f->tail = ring_moved(st, f->tail);
		f->pend = ring_moved(st, f->pend);
	}
	free(st->ring);
	st->ring = r;
	st->cap = cap;
	st->head = 0;
	return 0;
}

/* Ring index I after ring_grow: the wrapped part moved by OLD. */
static int
ring_unwrapped(int i, size_t wrap, size_t old)
{
	return i >= 0 && (size_t)i < wrap ? i + (int)old : i;
}

/*
 * Grow the ring to CAP where it is: realloc moves a block this large
 * (mmap'd) by remapping its pages, not copying them, so the old ring
 * and a copy of it are never held at once (ring_resize's copy was
 * 0.8 MiB on top of the backlog's ring at a thousand devices, while
 * librrd held a file being made). Only the entries that wrapped round
 * (before the head) move, to just past the old end. 0, or -1 (CAP
 * too small for that, or no memory): ring_resize then.
 */
static int
ring_grow(struct store *st, size_t cap)
{
	size_t old = st->cap, wrap, i;
	struct sfile *f;
	struct ent *r;

	wrap = st->head + st->count > old ? st->head + st->count - old : 0;
	if (old == 0 || cap < old + wrap ||
	    (r = reallocarray(st->ring, cap, sizeof(*r))) == NULL)
		return -1;
	memcpy(r + old, r, wrap * sizeof(*r));
	for (i = st->head; i < st->head + st->count; i++)
		r[i].next = ring_unwrapped(r[i].next, wrap, old);
	for (i = 0; i < st->nfile; i++) {
		f = &st->files[i];
		f->head = ring_unwrapped(f->head, wrap, old);
		f->tail = ring_unwrapped(f->tail, wrap, old);
		f->pend = ring_unwrapped(f->pend, wrap, old);
	}
	st->ring = r;
	st->cap = cap;
	return 0;
}

/*
 * A durable backend (librrd) has for good what it took: written values
 * leave once KEEP s older than T, or sooner when the ring is full (they
 * refill a file found unusable and made again; older ones are in its
 * .bad copy and the sample log), and
 * a ring a backlog grew (the start's, while the files are made) is
 * halved, written values going first, once under a quarter of it is
 * unwritten, so it is as large as the backlog is now.
 */
static void
ring_trim(struct store *st, time_t t)
{
	size_t half = st->cap / 2 > RING_MIN ? st->cap / 2 : RING_MIN;

	while (st->count > 0 && !ent_unsent(st, st->head) &&
	    st->ring[st->head].t < t - KEEP)
		ring_evict(st);
	if (st->cap == half || st->pending >= st->cap / 4)
		return;
	while (st->count >= half && !ent_unsent(st, st->head))
		ring_evict(st);
	if (st->count < half)
		(void)ring_resize(st, half);
}

/*
 * A full ring: with a durable backend written values go first, however
 * recent; then it grows while under max; only then the oldest goes.
 */
static void
ring_room(struct store *st)
{
	size_t cap = st->cap * 2 < st->max ? st->cap * 2 : st->max;

	while (st->ops->durable && st->count > 0 &&
	    !ent_unsent(st, st->head))
		ring_evict(st);
	if (st->count == st->cap && st->cap < st->max &&
	    ring_grow(st, cap) == -1 && ring_resize(st, cap) == -1)
		log_warn("store: buffer of %zu values", cap);
	if (st->count == st->cap)
		ring_evict(st);
}

static void
ring_push(struct store *st, int fi, time_t t, double v)
{
	struct sfile *f = &st->files[fi];
	int i;

	if (st->ops->durable)
		ring_trim(st, t);
	if (st->count == st->cap)
		ring_room(st);
	if (st->cap == 0)		/* store_new makes RING_MIN at least */
		fatalx("store: no buffer");
	i = (int)((st->head + st->count++) % st->cap);
	st->ring[i] = (struct ent){ (uint32_t)t, v, fi, -1 };
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
	char args[RRDFILE_ARGS][64];
	const char *argv[RRDFILE_ARGS];
	int n, i, rc;

	n = rrdfile_args(f->s, args, RRDFILE_ARGS);
	for (i = 0; i < n; i++)
		argv[i] = args[i];
	if (src == NULL)	/* f->last if all went while it was probed */
		start = (f->head != -1 ? st->ring[f->head].t : f->last) -
		    f->s->interval;
	if ((rc = IO(st, st->ops->create(st->be, f->path,
	    (unsigned long)f->s->interval, start, src, n, argv, err))) != 0)
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

	if ((rc = IO(st, st->ops->forget(st->be, f->path, err))) != 0 ||
	    (rc = file_aside(f, "bad", as, sizeof(as), err)) != 0)
		return rc;
	log_warnx("sensor '%s': %s is not a usable RRD (%s); moved to %s, "
	    "starting a new file", f->s->name, f->path, why, as);
	return file_create(st, f, NULL, -1, err);
}

/* Values for F's file in a migration, sent a request's worth at a time. */
struct replay {
	struct store	*st;
	struct sfile	*f;
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
replay_add(void *arg, time_t t, double v, char err[LW_ERRLEN])
{
	struct replay *rp = arg;
	struct store *st = rp->st;
	struct sfile *f = rp->f;
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
		rc = IO(st, st->ops->update(st->be, f->path, rp->n,
		    rp->argv, err));
		rp->n = 0;
	}
	return rc;
}

/* Send the old file's finest rows after START up to LAST to F's file. */
static int
file_replay(struct store *st, struct sfile *f, const char *old,
    time_t start, time_t last, char err[LW_ERRLEN])
{
	struct replay rp = { .st = st, .f = f, .max = chunk_max(f->path) - 1,
	    .start = start };
	int rc;

	rc = rrdfile_rows(old, start, last, replay_add, &rp, err);
	if (rp.n > 0 && rc == STORE_OK)
		rc = IO(st, st->ops->update(st->be, f->path, rp.n, rp.argv,
		    err));
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

	if ((rc = IO(st, st->ops->flush(st->be, f->path, err))) != 0 ||
	    (rc = IO(st, st->ops->forget(st->be, f->path, err))) != 0 ||
	    (rc = file_aside(f, "old", as, sizeof(as), err)) != 0)
		return rc;
	start = rrdfile_migrate_start(as, f->s, &last);
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
	probe = IO(st, st->ops->probe(st->be, f->s, f->path, why));
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
		if ((rc = IO(st, st->ops->last(st->be, f->path, &t, err))) !=
		    STORE_OK)
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
 * *LAST (the newest time in ARGV, else what the backend has); returns the
 * argv count.
 */
static int
chunk(struct store *st, struct sfile *f, const char **argv, time_t *last)
{
	time_t prev = f->sent, step = f->s->interval;
	int i, j, n = 0, max;

	max = chunk_max(f->path);
	for (i = f->pend; i != -1 && n + 2 <= max; i = st->ring[i].next) {
		const struct ent *e = &st->ring[i];

		if (e->t <= prev)
			continue;
		if (prev > 0 && e->t - prev > 2 * step)
			value_fmt(st->vals[n++], e->t - step, NAN);
		value_fmt(st->vals[n++], e->t, e->v);
		prev = e->t;
	}
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

/*
 * The backend has F up to f->sent: pend past that, counted as written.
 * By time, not by the entries handed over: the ring may have moved while
 * they were on their way.
 */
static void
file_sent(struct store *st, struct sfile *f)
{
	while (f->pend != -1 && st->ring[f->pend].t <= f->sent) {
		f->pend = st->ring[f->pend].next;
		f->npend--;
		st->pending--;
		st->written++;
	}
}

static int
file_send(struct store *st, struct sfile *f, char err[LW_ERRLEN])
{
	const char *argv[CHUNK];
	time_t last, t;
	int n, rc;

	while (f->pend != -1) {
		n = chunk(st, f, argv, &last);
		rc = n > 0 ? IO(st, st->ops->update(st->be, f->path, n, argv,
		    err)) : STORE_OK;
		if (rc == STORE_EFILE && behind(err, &t) && t > f->sent) {
			f->sent = t;
			file_repoint(st, f);
			continue;
		}
		if (rc != STORE_OK)
			return rc;
		f->sent = last;
		file_sent(st, f);
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
	if (st->backoff == 0 && st->rc != NULL && rrdcached_timedout(st->rc))
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
	    "retrying", st->why, st->max);
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
	if (IO(st, st->ops->open(st->be, err)) != STORE_OK) {
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
		    st->rc ? rrdcached_addr(st->rc) : "",
		    (unsigned long long)(st->written - was));
	else
		log_info("store: %s; reconnected, %llu values (re)sent",
		    st->why, (unsigned long long)(st->written - was));
	st->down_logged = 0;
	st->backoff = 0;
	return 1;
}

/*
 * An episode of drops is over once the oldest value held is written (the
 * next one to go would not be a loss); the next drop is logged again.
 * Not "nothing pending": values keep arriving, a file may be failing.
 */
static void
drops_over(struct store *st)
{
	if (st->dropped == st->dropped_seen ||
	    (st->count > 0 && ent_unsent(st, st->head)))
		return;
	log_info("store: buffer has room again; %llu unwritten values had "
	    "been dropped while it was full",
	    (unsigned long long)(st->dropped - st->dropped_seen));
	st->dropped_seen = st->dropped;
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

/* [daemon] station: the files are names on a central rrdcached. */
static int
store_station(struct store *st)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < st->nfile; i++) {
		struct sfile *f = &st->files[i];

		f->s = &st->c->sensors[i];
		rrdfile_path(st->c, f->s->name, path, sizeof(path));
		f->path = xstrdup(path);
		f->head = f->tail = f->pend = -1;
	}
	return 0;
}

static int
store_files(struct store *st, char err[LW_ERRLEN])
{
	char dir[PATH_MAX], real[PATH_MAX], path[PATH_MAX + 128];
	size_t i;

	if (st->c->station != NULL)
		return store_station(st);
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
	pthread_mutex_init(&st->mu, NULL);
	st->c = c;
	st->ops = ops;
	st->be = be;
	st->nfile = c->nsensor;
	st->max = c->store_buffer > 0 ? (size_t)c->store_buffer :
	    STORE_BUFFER;
	st->cap = st->max < RING_MIN ? st->max : RING_MIN;
	if ((st->ring = calloc(st->cap, sizeof(*st->ring))) == NULL)
		fatal("store");
	if (store_files(st, err) == -1) {
		store_free(st);
		return NULL;
	}
	st->started = 1;
	pthread_mutex_lock(&st->mu);
	if (IO(st, ops->open(be, err)) != STORE_OK) {
		backend_lost(st, err);
		down_note(st);
	}
	pthread_mutex_unlock(&st->mu);
	return st;
}

struct store *
store_new(const struct conf *c, char err[LW_ERRLEN])
{
	const char *addr = rrdcached_address(c);
	struct store *st;
	struct rrdc *rc;

	if (addr == NULL && c->station != NULL) {
		snprintf(err, LW_ERRLEN, "station '%s': RRD files by station "
		    "need an rrdcached (rrdcached = host:port)", c->station);
		return NULL;
	}
	if (addr == NULL)
		return store_new_ops(c, &rrdfile_ops, NULL, err);
	rc = rrdcached_new(addr);
	if ((st = store_new_ops(c, &rrdcached_ops, rc, err)) == NULL) {
		rrdcached_free(rc);
		return NULL;
	}
	st->rc = rc;
	if (c->station != NULL)
		log_info("store: writing RRD files %s/<sensor>.rrd through "
		    "the rrdcached at %s", c->station, addr);
	else
		log_info("store: writing RRD files through rrdcached at %s",
		    addr);
	return st;
}

int
store_put(struct store *st, int idx, const struct sample *s, size_t n)
{
	struct sfile *f = &st->files[idx];
	size_t i;
	int k = 0;

	pthread_mutex_lock(&st->mu);
	for (i = 0; i < n; i++) {
		if (s[i].t <= f->last)
			continue;
		ring_push(st, idx, s[i].t, sample_valid(&s[i]) &&
		    isfinite(s[i].value) ? s[i].value : NAN);
		f->last = s[i].t;
		k++;
	}
	pthread_mutex_unlock(&st->mu);
	return k;
}

int
store_pump(struct store *st, int idx, char err[LW_ERRLEN])
{
	int rc;

	pthread_mutex_lock(&st->mu);
	rc = file_pump(st, &st->files[idx], err);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int
store_update(struct store *st, int idx, const struct sample *s, size_t n,
    char err[LW_ERRLEN])
{
	int k = store_put(st, idx, s, n);

	return store_pump(st, idx, err) == -1 ? -1 : k;
}

void
store_adopt(struct store *st, struct store *old)
{
	struct sfile *f;
	size_t i;
	int j;

	pthread_mutex_lock(&st->mu);
	pthread_mutex_lock(&old->mu);
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
	pthread_mutex_unlock(&old->mu);
	pthread_mutex_unlock(&st->mu);
}

int
store_flush(struct store *st, const char *name, char err[LW_ERRLEN])
{
	struct sfile *f;
	int i, rc;

	if ((i = conf_sensor_find(st->c, name)) == -1)
		return 0;
	pthread_mutex_lock(&st->mu);
	f = &st->files[i];
	f->retry = 0;
	if ((rc = file_pump(st, f, err)) == 0 && st->down) {
		snprintf(err, LW_ERRLEN, "%s", st->why);
		rc = -1;
	}
	if (rc == 0 && (rc = IO(st, st->ops->flush(st->be, f->path,
	    err))) == STORE_EDOWN)
		backend_lost(st, err);
	pthread_mutex_unlock(&st->mu);
	return rc == STORE_OK ? 0 : -1;
}

void
store_stats(struct store *st, struct store_stats *ss)
{
	pthread_mutex_lock(&st->mu);
	ss->backend = st->rc != NULL ? "rrdcached" : "file";
	ss->written = st->written;
	ss->dropped = st->dropped;
	ss->pending = st->pending;
	ss->down = st->down;
	pthread_mutex_unlock(&st->mu);
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
		if (st->files[i].touched && IO(st, st->ops->flush(st->be,
		    st->files[i].path, err)) == STORE_EDOWN)
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
	pthread_mutex_lock(&st->mu);
	if (st->started)
		store_finish(st);
	st->ops->close(st->be);
	pthread_mutex_unlock(&st->mu);
	pthread_mutex_destroy(&st->mu);
	for (i = 0; i < st->nfile; i++) {
		free(st->files[i].path);
		free(st->files[i].why);
	}
	rrdcached_free(st->rc);
	free(st->files);
	free(st->ring);
	free(st);
}
