/*
 * deliver.c: the delivery schedule of one webhook (deliver.h): per-sensor
 * order, max_inflight, backoff with jitter, Retry-After, rate limit. The
 * caller passes the time; nothing here blocks, sleeps or does I/O.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "../lib/log.h"
#include "../lib/util.h"
#include "deliver.h"

struct dl_entry *
dl_entry_new(const char *name, int sensor)
{
	size_t len = strlen(name) + 1;
	struct dl_entry *e;

	if ((e = calloc(1, sizeof(*e) + len)) == NULL)
		fatal("notify");
	memcpy(e->name, name, len);
	e->sensor = sensor;
	return e;
}

void
dl_entries_free(struct dl_entries *h)
{
	struct dl_entry *e;

	while ((e = TAILQ_FIRST(h)) != NULL) {
		TAILQ_REMOVE(h, e, link);
		free(e);
	}
}

void
deliver_init(struct deliver *d, size_t max, size_t nsensor, int rate_limit,
    double rate_window, struct timespec now)
{
	memset(d, 0, sizeof(*d));
	TAILQ_INIT(&d->q);
	d->max = max;
	d->nsensor = nsensor;
	d->next_try = now;
	d->rate_limit = rate_limit;
	d->rate_window = rate_window;
	if ((d->seen = calloc(nsensor + 1, 1)) == NULL ||
	    (rate_limit > 0 && (d->rl = calloc((size_t)rate_limit,
	    sizeof(*d->rl))) == NULL))
		fatal("notify");
}

void
deliver_release(struct deliver *d)
{
	dl_entries_free(&d->q);
	free(d->seen);
	free(d->rl);
	d->seen = NULL;
	d->rl = NULL;
}

void
deliver_adopt(struct deliver *d, struct dl_entries *in)
{
	TAILQ_CONCAT(&d->q, in, link);
}

void
deliver_remove(struct deliver *d, struct dl_entry *e)
{
	TAILQ_REMOVE(&d->q, e, link);
	free(e);
}

size_t
deliver_head(const struct deliver *d, struct dl_entry **e, size_t max)
{
	struct dl_entry *x;
	size_t k = 0;

	for (x = TAILQ_FIRST(&d->q); x != NULL && k < max;
	    x = TAILQ_NEXT(x, link))
		e[k++] = x;
	return k;
}

/* Rate limit: may D send now? If not, when in *next. */
static int
rl_allows(const struct deliver *d, struct timespec now, struct timespec *next)
{
	const struct timespec *oldest = &d->rl[d->rl_i];

	if (d->rate_limit == 0 || oldest->tv_sec == 0 ||
	    ts_diff(now, *oldest) >= d->rate_window)
		return 1;
	*next = ts_add(*oldest, d->rate_window);
	return 0;
}

size_t
deliver_rate_free(const struct deliver *d, struct timespec now)
{
	size_t i, used = 0;

	if (d->rate_limit == 0)
		return SIZE_MAX;
	for (i = 0; i < (size_t)d->rate_limit; i++)
		used += d->rl[i].tv_sec != 0 &&
		    ts_diff(now, d->rl[i]) < d->rate_window;
	return (size_t)d->rate_limit - used;
}

static void
rl_note(struct deliver *d, struct timespec now)
{
	if (d->rate_limit == 0)
		return;
	d->rl[d->rl_i] = now;
	d->rl_i = (d->rl_i + 1) % (size_t)d->rate_limit;
}

/* After a failure: the entry that failed first, else the oldest. */
static struct dl_entry *
probe(const struct deliver *d)
{
	struct dl_entry *e;

	TAILQ_FOREACH(e, &d->q, link)
		if (e->retry)
			return e;
	return TAILQ_FIRST(&d->q);
}

/*
 * The oldest entry not in flight whose sensor has nothing older in the
 * queue (in flight or waiting), within the first DELIVER_SCAN_MAX.
 */
static enum dl_pick
pick_parallel(struct deliver *d, struct timespec now, struct dl_entry **ep)
{
	struct dl_entry *e;
	size_t looked = 0;

	memset(d->seen, 0, d->nsensor + 1);
	for (e = TAILQ_FIRST(&d->q); e != NULL &&
	    looked++ < DELIVER_SCAN_MAX; e = TAILQ_NEXT(e, link)) {
		if (e->sensor < 0) {
			*ep = e;
			return DL_SENSE;
		}
		if (!e->inflight && !d->seen[e->sensor]) {
			if (!rl_allows(d, now, &d->next_try))
				return DL_NONE;
			*ep = e;
			return DL_SEND;
		}
		d->seen[e->sensor] = 1;
	}
	return DL_NONE;
}

enum dl_pick
deliver_pick(struct deliver *d, struct timespec now, struct dl_entry **ep)
{
	struct dl_entry *e;

	if (ts_diff(now, d->next_try) < 0)
		return DL_NONE;
	if (d->attempts > 0) {
		if (d->busy > 0 || (e = probe(d)) == NULL ||
		    !rl_allows(d, now, &d->next_try))
			return DL_NONE;
		*ep = e;
		return DL_SEND;
	}
	if (d->busy >= d->max)
		return DL_NONE;
	return pick_parallel(d, now, ep);
}

int
deliver_ready(struct deliver *d, struct timespec now)
{
	if (ts_diff(now, d->next_try) < 0 || d->busy > 0)
		return 0;
	return rl_allows(d, now, &d->next_try);
}

int
deliver_wait(const struct deliver *d, struct timespec now, double *s)
{
	if (d->busy >= (d->attempts > 0 ? 1 : d->max))
		return 0;
	*s = ts_diff(d->next_try, now);
	return 1;
}

unsigned
deliver_launched(struct deliver *d, struct dl_entry *const *e, size_t k,
    struct timespec now)
{
	size_t i;

	for (i = 0; i < k; i++) {
		e[i]->inflight = 1;
		e[i]->retry = 0;
	}
	d->busy++;
	rl_note(d, now);
	return d->epoch;
}

void
deliver_landed(struct deliver *d)
{
	d->busy--;
}

int
deliver_ok(struct deliver *d, unsigned epoch)
{
	int was = d->down;

	if (epoch != d->epoch)	/* sent before the last failure */
		return 0;
	d->down = 0;
	d->attempts = 0;
	return was;
}

/* The next wait of D's backoff, s: doubling with jitter, or RETRY_AFTER. */
static double
backoff(const struct deliver *d, double retry_after, double jitter)
{
	double wait = DELIVER_BACKOFF_MIN * pow(2, d->attempts < 20 ?
	    d->attempts : 20);

	if (wait > DELIVER_BACKOFF_MAX)
		wait = DELIVER_BACKOFF_MAX;
	wait *= 0.5 + jitter / 2;
	if (retry_after > DELIVER_AFTER_MAX)
		retry_after = DELIVER_AFTER_MAX;
	return retry_after > wait ? retry_after : wait;
}

double
deliver_failed(struct deliver *d, struct dl_entry *const *e, size_t k,
    unsigned epoch, double retry_after, double jitter, struct timespec now)
{
	struct timespec at;
	double wait;
	size_t i;

	for (i = 0; i < k; i++) {
		e[i]->inflight = 0;
		e[i]->retry = 1;
	}
	if (epoch != d->epoch) {
		at = ts_add(now, retry_after < DELIVER_AFTER_MAX ?
		    retry_after : DELIVER_AFTER_MAX);
		if (ts_diff(at, d->next_try) > 0)
			d->next_try = at;
		return -1;
	}
	wait = backoff(d, retry_after, jitter);
	d->next_try = ts_add(now, wait);
	d->attempts++;
	d->epoch++;
	d->down = 1;
	return wait;
}
