/* queue.c: a ring buffer under one mutex; buses push, the core pops */
#include <sys/mman.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/log.h"
#include "../lib/util.h"
#include "queue.h"

/*
 * Bytes of ring kept resident whatever the bursts (a release below this
 * would only be undone by the next ordinary cycle), and the least worth
 * giving back in one go.
 */
#define QUEUE_KEEP	(256 * 1024)
#define QUEUE_GIVE	(64 * 1024)

struct queue {
	pthread_mutex_t	 mu;
	pthread_cond_t	 nonempty;
	pthread_cond_t	 nonfull;
	struct sample	*ring;
	size_t		 cap, head, len;
	size_t		 bytes;		/* the ring's mapping */
	/*
	 * Slots [0, mark) may be resident; the deepest the queue got since
	 * it was last empty, and the recent such depths (decaying).
	 */
	size_t		 mark, peak, recent;
	uint64_t	 drops;
	int		 woken;
};

struct queue *
queue_new(size_t cap)
{
	struct queue *q;
	pthread_condattr_t ca;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		fatal("queue");
	/* a mapping of its own: release() hands its pages back */
	q->bytes = cap * sizeof(*q->ring);
	if ((q->ring = mmap(NULL, q->bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		fatal("queue");
	q->cap = cap;
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->nonempty, &ca);
	pthread_cond_init(&q->nonfull, &ca);
	pthread_condattr_destroy(&ca);
	return q;
}

void
queue_free(struct queue *q)
{
	if (q == NULL)
		return;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->nonempty);
	pthread_cond_destroy(&q->nonfull);
	munmap(q->ring, q->bytes);
	free(q);
}

int
queue_push(struct queue *q, const struct sample *s, int wait_ms)
{
	struct timespec dl = mono_after(wait_ms);
	int rc = 0;

	pthread_mutex_lock(&q->mu);
	while (q->len == q->cap && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&q->nonfull, &q->mu, &dl);
	if (q->len == q->cap) {
		q->drops++;
		pthread_mutex_unlock(&q->mu);
		return -1;
	}
	q->ring[(q->head + q->len) % q->cap] = *s;
	if (q->head + q->len >= q->mark)
		q->mark = q->head + q->len + 1 > q->cap ? q->cap :
		    q->head + q->len + 1;
	if (q->len + 1 > q->peak)
		q->peak = q->len + 1;
	/* the core takes all there is: only the first of a burst wakes it */
	if (q->len++ == 0)
		pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

/*
 * The queue is empty (head 0): give back the pages of the ring beyond
 * what recent bursts needed. A backlog (the start-up, an RRD disk that
 * stalled) leaves the ring resident as deep as it got, megabytes at a
 * thousand devices, for good. Called with the mutex held: a push may
 * not write a page while it goes.
 */
static void
release(struct queue *q)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), keep, from, to;

	q->recent = q->peak > q->recent ? q->peak : q->recent - q->recent / 16;
	q->peak = 0;
	keep = 4 * q->recent * sizeof(*q->ring);
	if (keep < QUEUE_KEEP)
		keep = QUEUE_KEEP;
	from = (keep + pg - 1) / pg * pg;
	to = (q->mark * sizeof(*q->ring) + pg - 1) / pg * pg;
	if (to > q->bytes)
		to = q->bytes;
	if (to <= from || to - from < QUEUE_GIVE)
		return;
	if (madvise((char *)q->ring + from, to - from, MADV_DONTNEED) == -1)
		return;
	q->mark = from / sizeof(*q->ring);
}

size_t
queue_pop(struct queue *q, struct sample *out, size_t max, int wait_ms)
{
	struct timespec dl = mono_after(wait_ms);
	size_t n = 0;
	int rc = 0;

	pthread_mutex_lock(&q->mu);
	while (q->len == 0 && !q->woken && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&q->nonempty, &q->mu, &dl);
	q->woken = 0;
	while (n < max && q->len > 0) {
		out[n++] = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
	}
	/*
	 * empty: start again at the front, so that only the slots a backlog
	 * really needed are ever touched (a ring sized for the worst case
	 * would otherwise end up all resident)
	 */
	if (q->len == 0) {
		q->head = 0;
		release(q);
	}
	if (n > 0)
		pthread_cond_broadcast(&q->nonfull);
	pthread_mutex_unlock(&q->mu);
	return n;
}

uint64_t
queue_drops(struct queue *q)
{
	uint64_t d;

	pthread_mutex_lock(&q->mu);
	d = q->drops;
	pthread_mutex_unlock(&q->mu);
	return d;
}

size_t
queue_depth(struct queue *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = q->len;
	pthread_mutex_unlock(&q->mu);
	return n;
}

void
queue_wake(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->woken = 1;
	pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&q->mu);
}
