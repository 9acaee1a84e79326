/*
 * writer.c: the RRD store driven by a thread of its own
 *
 * The core hands over each sensor's readings a batch at a time and goes
 * on judging; this thread moves them into the store and lets it write.
 * Creating a file with the DESIGN.md layout writes 1.3 MB, so the first
 * start of a 3000-sensor station spends most of a minute on it: alerts
 * must not wait for that. Batches queue in order; the thread takes them
 * all at once, so values of a file still being created wait here, in
 * 16 bytes each, and are written when their file is ready.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "../lib/sample.h"
#include "writer.h"

struct batch {
	struct batch	*next;
	int		 idx;
	size_t		 n;
	struct wval	 v[];
};

struct writer {
	struct store	*st;
	const struct conf *c;
	pthread_t	 thr;
	pthread_mutex_t	 mu;		/* the hand-over and the counters */
	pthread_cond_t	 work, done;
	struct batch	*head, **tail;
	size_t		 waiting, limit;
	uint64_t	 put, finished;	/* batches */
	int		 stop;
	pthread_mutex_t	 smu;		/* the store */
	struct sample	*buf;		/* store_update's input */
	size_t		 bufcap;
	int		*down;		/* per sensor: failure logged */
	struct writer_stats stats;	/* stored, errors, dropped */
};

/* Drop the oldest batches until N more values fit. Under mu. */
static void
make_room(struct writer *w, size_t n)
{
	struct batch *b;

	while (w->head != NULL && w->waiting + n > w->limit) {
		b = w->head;
		if ((w->head = b->next) == NULL)
			w->tail = &w->head;
		w->waiting -= b->n;
		w->stats.dropped += b->n;
		w->finished++;
		free(b);
	}
}

void
writer_put(struct writer *w, int idx, const struct wval *v, size_t n)
{
	struct batch *b;

	if (n == 0)
		return;
	if ((b = malloc(sizeof(*b) + n * sizeof(b->v[0]))) == NULL)
		fatal("writer");
	b->next = NULL;
	b->idx = idx;
	b->n = n;
	memcpy(b->v, v, n * sizeof(*v));
	pthread_mutex_lock(&w->mu);
	if (w->stats.dropped == 0 && w->waiting + n > w->limit)
		log_warnx("store: %zu values wait for the RRD files; dropping "
		    "the oldest (the sample log has them)", w->waiting);
	make_room(w, n);
	*w->tail = b;
	w->tail = &b->next;
	w->waiting += n;
	w->put++;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

/* One batch into the store; failures are logged once per file. */
static void
write_batch(struct writer *w, const struct batch *b)
{
	const char *name = w->c->sensors[b->idx].name;
	char err[LW_ERRLEN];
	size_t i;
	int k;

	if (b->n > w->bufcap) {
		w->bufcap = b->n * 2;
		free(w->buf);
		if ((w->buf = calloc(w->bufcap, sizeof(*w->buf))) == NULL)
			fatal("writer");
	}
	for (i = 0; i < b->n; i++) {
		w->buf[i].t = b->v[i].t;
		w->buf[i].value = b->v[i].v;
		w->buf[i].flag = isnan(b->v[i].v) ? FLAG_COMM : FLAG_NORMAL;
	}
	pthread_mutex_lock(&w->smu);
	k = store_update(w->st, b->idx, w->buf, b->n, err);
	pthread_mutex_unlock(&w->smu);
	pthread_mutex_lock(&w->mu);
	if (k == -1)
		w->stats.errors++;
	else
		w->stats.stored += (uint64_t)k;
	pthread_mutex_unlock(&w->mu);
	if (k == -1 && !w->down[b->idx])
		log_warnx("sensor '%s': %s", name, err);
	else if (k != -1 && w->down[b->idx])
		log_info("sensor '%s': storing again", name);
	w->down[b->idx] = k == -1;
}

static void *
run(void *arg)
{
	struct writer *w = arg;
	struct batch *b, *next;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stop)
			pthread_cond_wait(&w->work, &w->mu);
		if (w->head == NULL)
			break;
		b = w->head;
		w->head = NULL;
		w->tail = &w->head;
		pthread_mutex_unlock(&w->mu);
		for (; b != NULL; b = next) {
			next = b->next;
			write_batch(w, b);
			pthread_mutex_lock(&w->mu);
			w->waiting -= b->n;
			w->finished++;
			pthread_cond_broadcast(&w->done);
			pthread_mutex_unlock(&w->mu);
			free(b);
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct writer *
writer_start(struct store *st, const struct conf *c, size_t limit)
{
	struct writer *w;
	pthread_attr_t attr;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->down = calloc(c->nsensor + 1, sizeof(int))) == NULL)
		fatal("writer");
	w->st = st;
	w->c = c;
	w->limit = limit;
	w->tail = &w->head;
	pthread_mutex_init(&w->mu, NULL);
	pthread_mutex_init(&w->smu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	/* librrd's create keeps its buffers on the heap: 256 KiB is ample */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	if ((errno = pthread_create(&w->thr, &attr, run, w)) != 0)
		fatal("writer thread");
	pthread_attr_destroy(&attr);
	return w;
}

void
writer_drain(struct writer *w)
{
	uint64_t want;

	pthread_mutex_lock(&w->mu);
	want = w->put;
	while (w->finished < want)
		pthread_cond_wait(&w->done, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

void
writer_with(struct writer *w, void (*fn)(struct store *, void *), void *arg)
{
	pthread_mutex_lock(&w->smu);
	fn(w->st, arg);
	pthread_mutex_unlock(&w->smu);
}

void
writer_stats(struct writer *w, struct writer_stats *ws)
{
	pthread_mutex_lock(&w->mu);
	*ws = w->stats;
	ws->waiting = w->waiting;
	pthread_mutex_unlock(&w->mu);
}

void
writer_stop(struct writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thr, NULL);	/* it empties the hand-over first */
	pthread_mutex_destroy(&w->mu);
	pthread_mutex_destroy(&w->smu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->done);
	free(w->buf);
	free(w->down);
	free(w);
}
