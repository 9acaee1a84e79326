/* pool.c: a binary heap of jobs by due time, under one mutex */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

#include "log.h"
#include "pool.h"
#include "util.h"

#define POOL_STACK	(64 * 1024)
#define POOL_MIN	2	/* workers that never retire */
#define POOL_IDLE_S	10	/* a follower idle this long ends */

/*
 * Leader/followers: one idle worker (the leader) waits for the next due
 * time; the others wait to be called. Taking a job, the leader hands the
 * lead on, so only as many workers wake as there is work, and followers
 * nobody calls for a while end.
 */
/* A follower waiting to be called; on its worker's stack. */
struct follower {
	pthread_cond_t	 cv;
	int		 called;
	struct follower	*next;
};

struct pool {
	pthread_mutex_t	  mu;
	pthread_cond_t	  work;		/* the leader: a job may be due */
	pthread_cond_t	  done;		/* a run ended, or a worker ended */
	/* followers, the last to come first: the others stay idle and end */
	struct follower	 *followers;
	int		  has_leader;
	struct timespec	  lead_until;	/* when the leader wakes by itself */
	struct pool_job	**heap;
	size_t		  n, cap;
	size_t		  workers, idle, starting, peak, max;
	int		  stopping;
};

static int
before(const struct pool_job *a, const struct pool_job *b)
{
	return ts_diff(a->due, b->due) < 0;
}

static void
place(struct pool *p, size_t i, struct pool_job *j)
{
	p->heap[i] = j;
	j->heap_idx = i;
}

static void
sift_up(struct pool *p, size_t i)
{
	struct pool_job *j = p->heap[i];

	while (i > 0 && before(j, p->heap[(i - 1) / 2])) {
		place(p, i, p->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(p, i, j);
}

static void
sift_down(struct pool *p, size_t i)
{
	struct pool_job *j = p->heap[i];
	size_t c;

	while ((c = 2 * i + 1) < p->n) {
		if (c + 1 < p->n && before(p->heap[c + 1], p->heap[c]))
			c++;
		if (!before(p->heap[c], j))
			break;
		place(p, i, p->heap[c]);
		i = c;
	}
	place(p, i, j);
}

static void
push(struct pool *p, struct pool_job *j)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		if ((p->heap = realloc(p->heap, p->cap * sizeof(*p->heap))) ==
		    NULL)
			fatal("pool");
	}
	place(p, p->n++, j);
	sift_up(p, j->heap_idx);
}

static void
unqueue(struct pool *p, struct pool_job *j)
{
	size_t i = j->heap_idx;

	j->heap_idx = SIZE_MAX;
	if (--p->n == i)
		return;
	place(p, i, p->heap[p->n]);
	sift_down(p, i);
	sift_up(p, p->heap[i]->heap_idx);
}

static void	spawn(struct pool *);
static void	pass_lead(struct pool *);

/* Start a worker if none is free or starting; with the lock held. */
static void
grow(struct pool *p)
{
	if (p->idle + p->starting == 0 && !p->has_leader &&
	    p->workers < p->max)
		spawn(p);
}

/* The due job to run now, or NULL; *wait is how long until one is due. */
static struct pool_job *
take(struct pool *p, double *wait)
{
	struct pool_job *j;

	if (p->n == 0) {
		*wait = POOL_IDLE_S;
		return NULL;
	}
	j = p->heap[0];
	if ((*wait = ts_diff(j->due, mono_now())) > 0)
		return NULL;
	unqueue(p, j);
	j->running = 1;
	return j;
}

static void
give_back(struct pool *p, struct pool_job *j)
{
	j->running = 0;
	if (j->wake) {
		j->wake = 0;
		j->due = mono_now();
	}
	if (!j->gone)
		push(p, j);
	/* wake the leader only if this job comes due before it wakes */
	if (p->has_leader && !j->gone && ts_diff(j->due, p->lead_until) < 0)
		pthread_cond_signal(&p->work);
	pthread_cond_broadcast(&p->done);
}

/* Call the follower that came last, if any; 1 if one was called. */
static int
call_follower(struct pool *p)
{
	struct follower *f = p->followers;

	if (f == NULL)
		return 0;
	p->followers = f->next;
	f->called = 1;
	pthread_cond_signal(&f->cv);
	return 1;
}

/*
 * Wait to be called to lead. Returns 0 when called (or stopping), -1 if
 * nobody called for POOL_IDLE_S and the pool can do without this worker.
 */
static int
follow(struct pool *p)
{
	struct follower f, **pp;
	struct timespec dl = ts_add(mono_now(), POOL_IDLE_S);
	pthread_condattr_t ca;
	int rc = 0;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f.cv, &ca);
	pthread_condattr_destroy(&ca);
	f.called = 0;
	f.next = p->followers;
	p->followers = &f;
	p->idle++;
	while (!f.called && !p->stopping && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&f.cv, &p->mu, &dl);
	p->idle--;
	if (!f.called)
		for (pp = &p->followers; *pp != NULL; pp = &(*pp)->next)
			if (*pp == &f) {
				*pp = f.next;
				break;
			}
	pthread_cond_destroy(&f.cv);
	return !f.called && !p->stopping && p->workers > POOL_MIN ? -1 : 0;
}

/* A job was queued: the lead (or, with none, a follower) looks again. */
static void
nudge(struct pool *p)
{
	if (p->has_leader)
		pthread_cond_signal(&p->work);
	else
		call_follower(p);
}

/* Hand the lead to a follower, or start one if none is free. */
static void
pass_lead(struct pool *p)
{
	p->has_leader = 0;
	if (!call_follower(p) && p->n > 0)
		grow(p);
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct pool_job *j;
	struct timespec dl;
	double wait;

	pthread_mutex_lock(&p->mu);
	p->starting--;
	while (!p->stopping) {
		if (p->has_leader) {
			if (follow(p) == -1)
				break;		/* not needed: end */
			continue;
		}
		p->has_leader = 1;		/* lead */
		if ((j = take(p, &wait)) != NULL) {
			pass_lead(p);
			pthread_mutex_unlock(&p->mu);
			j->run(j);
			pthread_mutex_lock(&p->mu);
			give_back(p, j);
			continue;
		}
		dl = ts_add(mono_now(), wait < POOL_IDLE_S ? wait :
		    POOL_IDLE_S);
		p->lead_until = dl;
		pthread_cond_timedwait(&p->work, &p->mu, &dl);
		p->has_leader = 0;
	}
	p->workers--;
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Start a worker; called with the lock held. */
static void
spawn(struct pool *p)
{
	pthread_attr_t attr;
	pthread_t t;
	sigset_t all, old;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, POOL_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&t, &attr, worker, p) == 0) {
		p->workers++;
		p->starting++;
		if (p->workers > p->peak)
			p->peak = p->workers;
	} else
		log_warn("pool: cannot start a worker (%zu running)",
		    p->workers);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}

struct pool *
pool_new(size_t max)
{
	pthread_condattr_t ca;
	struct pool *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("pool");
	p->max = max < POOL_MIN ? POOL_MIN : max;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->work, &ca);
	pthread_cond_init(&p->done, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_lock(&p->mu);
	while (p->workers < POOL_MIN)
		spawn(p);
	pthread_mutex_unlock(&p->mu);
	return p;
}

void
pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->work);
	while (call_follower(p))
		;
	while (p->workers > 0)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p->heap);
	free(p);
}

void
pool_add(struct pool *p, struct pool_job *j)
{
	pthread_mutex_lock(&p->mu);
	j->heap_idx = SIZE_MAX;
	j->running = j->wake = j->gone = 0;
	push(p, j);
	nudge(p);
	pthread_mutex_unlock(&p->mu);
}

void
pool_remove(struct pool *p, struct pool_job *j)
{
	pthread_mutex_lock(&p->mu);
	j->gone = 1;
	while (j->running)
		pthread_cond_wait(&p->done, &p->mu);
	if (j->heap_idx != SIZE_MAX)
		unqueue(p, j);
	pthread_mutex_unlock(&p->mu);
}

void
pool_wake(struct pool *p, struct pool_job *j)
{
	pthread_mutex_lock(&p->mu);
	if (j->running)
		j->wake = 1;
	else if (j->heap_idx != SIZE_MAX) {
		j->due = mono_now();
		sift_up(p, j->heap_idx);
	}
	nudge(p);
	pthread_mutex_unlock(&p->mu);
}

void
pool_count(struct pool *p, size_t *now, size_t *peak)
{
	pthread_mutex_lock(&p->mu);
	*now = p->workers;
	*peak = p->peak;
	pthread_mutex_unlock(&p->mu);
}

void
pool_tick(struct pool *p, double late)
{
	pthread_mutex_lock(&p->mu);
	/* overdue: the lead is held by nobody able to take it */
	if (p->n > 0 && ts_diff(mono_now(), p->heap[0]->due) > late &&
	    p->idle + p->starting == 0 && p->workers < p->max)
		spawn(p);
	else if (p->n > 0 && ts_diff(mono_now(), p->heap[0]->due) > late)
		nudge(p);
	pthread_mutex_unlock(&p->mu);
}
