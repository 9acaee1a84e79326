/*
 * writer.c: the thread that writes the RRD files
 *
 * The core puts each reading into the store's buffer and goes on judging;
 * when a sensor's batch is due it asks this thread to write that file.
 * Creating a file with the DESIGN.md layout writes 1.3 MB, so the first
 * start of a 3000-sensor station spends most of a minute on it: alerts
 * must not wait for that, and they do not, as the store's lock is not
 * held during I/O. What waits meanwhile is in the store's one buffer;
 * here there is only a set of sensors to write, each at most once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "../lib/log.h"
#include "writer.h"

struct writer {
	struct store	*st;
	const struct conf *c;
	pthread_t	 thr;
	pthread_mutex_t	 mu;		/* all below */
	pthread_cond_t	 work, done;
	char		*due;		/* per sensor: asked for */
	int		*order;		/* the due sensors, as asked */
	size_t		 ndue;
	uint64_t	 asked, finished;	/* rounds: kicks, taken ones */
	int		 stop;
	int		 idle;		/* waiting for work */
	int		*down;		/* per sensor: failure logged */
	struct writer_stats stats;
};

void
writer_kick(struct writer *w, int idx)
{
	pthread_mutex_lock(&w->mu);
	if (!w->due[idx]) {
		w->due[idx] = 1;
		w->order[w->ndue++] = idx;
	}
	w->asked++;
	pthread_mutex_unlock(&w->mu);
}

void
writer_go(struct writer *w)
{
	pthread_mutex_lock(&w->mu);
	if (w->ndue > 0 && w->idle)
		pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

/* Write sensor IDX's file; failures are logged once per file. */
static void
write_one(struct writer *w, int idx)
{
	const char *name = w->c->sensors[idx].name;
	char err[LW_ERRLEN];
	int rc;

	rc = store_pump(w->st, idx, err);
	if (rc == -1) {
		pthread_mutex_lock(&w->mu);
		w->stats.errors++;
		pthread_mutex_unlock(&w->mu);
	}
	if (rc == -1 && !w->down[idx])
		log_warnx("sensor '%s': %s", name, err);
	else if (rc != -1 && w->down[idx])
		log_info("sensor '%s': storing again", name);
	w->down[idx] = rc == -1;
}

static void *
run(void *arg)
{
	struct writer *w = arg;
	uint64_t asked;
	size_t i, n;
	int *batch;

	pthread_setname_np(pthread_self(), "lw-store");

	if ((batch = calloc(w->c->nsensor + 1, sizeof(*batch))) == NULL)
		fatal("writer");
	pthread_mutex_lock(&w->mu);
	for (;;) {
		w->idle = 1;
		while (w->ndue == 0 && !w->stop)
			pthread_cond_wait(&w->work, &w->mu);
		w->idle = 0;
		if (w->ndue == 0)
			break;
		for (n = 0; n < w->ndue; n++) {
			batch[n] = w->order[n];
			w->due[batch[n]] = 0;
		}
		w->ndue = 0;
		asked = w->asked;
		pthread_mutex_unlock(&w->mu);
		for (i = 0; i < n; i++)
			write_one(w, batch[i]);
		pthread_mutex_lock(&w->mu);
		w->finished = asked;
		pthread_cond_broadcast(&w->done);
	}
	w->finished = w->asked;
	pthread_cond_broadcast(&w->done);
	pthread_mutex_unlock(&w->mu);
	free(batch);
	return NULL;
}

struct writer *
writer_start(struct store *st, const struct conf *c)
{
	struct writer *w;
	pthread_attr_t attr;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->due = calloc(c->nsensor + 1, 1)) == NULL ||
	    (w->order = calloc(c->nsensor + 1, sizeof(int))) == NULL ||
	    (w->down = calloc(c->nsensor + 1, sizeof(int))) == NULL)
		fatal("writer");
	w->st = st;
	w->c = c;
	pthread_mutex_init(&w->mu, NULL);
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
	if (w->ndue > 0 && w->idle)
		pthread_cond_signal(&w->work);
	want = w->asked;
	while (w->finished < want)
		pthread_cond_wait(&w->done, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

void
writer_stats(struct writer *w, struct writer_stats *ws)
{
	pthread_mutex_lock(&w->mu);
	*ws = w->stats;
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
	pthread_join(w->thr, NULL);	/* it writes what was asked first */
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->done);
	free(w->due);
	free(w->order);
	free(w->down);
	free(w);
}
