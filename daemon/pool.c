/* pool.c: a binary heap of jobs by due time, under one mutex */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "../lib/log.h"
#include "../lib/util.h"
#include "pool.h"

#define POOL_STACK	(64 * 1024)
#define POOL_MIN	2	/* workers that never retire */
#define POOL_IDLE_S	10	/* a follower idle this long ends */
#define POOL_EVENTS	256	/* epoll events taken at once */
/*
 * Runs handed over wait for a worker. The start of a thousand devices
 * hands each first connect to one: started one per hand-over, 100-600
 * threads were made before the first of them ran, each with its stack
 * touched, where a few took those quick runs in turn as fast as they
 * came. Now a follower is called for a run handed over if one is free,
 * a worker starts for it if no other run waits (a time-out), or when
 * the oldest has waited POOL_RUN_WAIT s (the workers are not keeping
 * up); POOL_STARTS at most are starting at once.
 */
#define POOL_RUN_WAIT	0.01
#define POOL_STARTS	4
/*
 * s: the leader wakes at most this often; what came due or was answered
 * in between is handled in one go. A thread waking up costs more than
 * the work of a poll, so a thousand devices a second cost ~200 wake-ups,
 * not ~2000. A reply waits up to this long to be taken (bus latency
 * figures include it); a step starts up to half of it early (POOL_EARLY)
 * or late.
 */
#define POOL_TICK	(2 * POOL_EARLY)
#define NUDGE		UINT64_MAX	/* the eventfd's epoll key */

/*
 * Leader/followers: one idle worker (the leader) waits in epoll for the
 * next due time or a job's socket; the others wait to be called. The
 * leader runs the steps of jobs itself; taking a job to run(), it hands
 * the lead on, so only as many workers wake as there is blocking work,
 * and followers nobody calls for a while end. A step that gives up is
 * the exception: a follower is called for its run() and the leader
 * keeps the lead (hand_off).
 */
/* A follower waiting to be called; on its worker's stack. */
struct follower {
	pthread_cond_t	 cv;
	int		 called;
	struct follower	*next;
};

struct pool {
	pthread_mutex_t	  mu;
	pthread_cond_t	  done;		/* a run ended, or a worker ended */
	int		  epfd;
	int		  efd;		/* eventfd: wakes the leader */
	int		  sleeping;	/* the leader is in epoll_wait */
	struct timespec	  woke;		/* ... and came out of it */
	/* jobs by slot, and each slot's generation: an epoll key is both */
	struct pool_job	**slots;
	uint32_t	 *gens, *freel;
	size_t		  nslot, nfree, slotcap;
	/* followers, the last to come first: the others stay idle and end */
	struct follower	 *followers;
	int		  has_leader;
	struct timespec	  lead_until;	/* when the leader wakes by itself */
	/* jobs whose run() a follower is called for, first come first */
	struct pool_job	 *runs, **runs_tail;
	struct pool_job	**heap;
	size_t		  n, cap;
	size_t		  nwait;	/* jobs waiting for a reply */
	size_t		  workers, idle, starting, peak, max;
	struct worker	 *dead;		/* ended, to be joined (reap) */
	int		  stopping;
};

static int
before(const struct pool_job *a, const struct pool_job *b)
{
	return ts_diff(a->due, b->due) < 0;
}

/* J waits for its fd (V 1) or not (0); counted in nwait. */
static void
set_waiting(struct pool *p, struct pool_job *j, int v)
{
	if (v && !j->waiting)
		p->nwait++;
	else if (!v && j->waiting)
		p->nwait--;
	j->waiting = v;
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
static int	call_follower(struct pool *);

/* A run waits for a worker: call a follower, or start one. */
static void
more(struct pool *p)
{
	if (!call_follower(p) && p->starting < POOL_STARTS &&
	    p->workers < p->max)
		spawn(p);
}

/* The oldest run has waited POOL_RUN_WAIT: one more worker for them. */
static void
runs_late(struct pool *p)
{
	if (p->runs != NULL &&
	    ts_diff(mono_now(), p->runs->handed) >= POOL_RUN_WAIT)
		more(p);
}

/* Start a worker if none is free or starting; with the lock held. */
static void
grow(struct pool *p)
{
	if (p->idle + p->starting == 0 && !p->has_leader &&
	    p->workers < p->max)
		spawn(p);
}

/* Wake the leader out of epoll_wait. */
static void
wake_leader(struct pool *p)
{
	uint64_t one = 1;

	if (p->sleeping && write(p->efd, &one, sizeof(one)) == -1 &&
	    errno != EAGAIN)
		log_warn("pool: eventfd");
}

static uint64_t
key(const struct pool *p, const struct pool_job *j)
{
	return (uint64_t)p->gens[j->slot] << 32 | j->slot;
}

static struct pool_job *
lookup(const struct pool *p, uint64_t k)
{
	uint32_t slot = (uint32_t)k;

	if (slot >= p->nslot || p->slots[slot] == NULL ||
	    p->gens[slot] != (uint32_t)(k >> 32))
		return NULL;
	return p->slots[slot];
}

static void
slot_take(struct pool *p, struct pool_job *j)
{
	if (p->nfree > 0)
		j->slot = p->freel[--p->nfree];
	else {
		if (p->nslot == p->slotcap) {
			p->slotcap = p->slotcap ? 2 * p->slotcap : 64;
			if ((p->slots = realloc(p->slots, p->slotcap *
			    sizeof(*p->slots))) == NULL ||
			    (p->gens = realloc(p->gens, p->slotcap *
			    sizeof(*p->gens))) == NULL ||
			    (p->freel = realloc(p->freel, p->slotcap *
			    sizeof(*p->freel))) == NULL)
				fatal("pool");
		}
		j->slot = (uint32_t)p->nslot++;
		p->gens[j->slot] = 0;
	}
	p->slots[j->slot] = j;
}

/* A removed job's events (its socket may still be registered) are void. */
static void
slot_give(struct pool *p, struct pool_job *j)
{
	p->slots[j->slot] = NULL;
	p->gens[j->slot]++;
	p->freel[p->nfree++] = j->slot;
}

/* Watch J's fd for one readable event; -1 if epoll will not. */
static int
arm(struct pool *p, struct pool_job *j)
{
	struct epoll_event e = { .events = EPOLLIN | EPOLLONESHOT };

	e.data.u64 = key(p, j);
	if (epoll_ctl(p->epfd, EPOLL_CTL_MOD, j->fd, &e) == 0)
		return 0;
	if (errno == ENOENT && epoll_ctl(p->epfd, EPOLL_CTL_ADD, j->fd,
	    &e) == 0)
		return 0;
	return -1;
}

/*
 * The job to lead now, or NULL; *wait is how long until one is due. A
 * waiting job that comes due has reached its deadline.
 */
static struct pool_job *
take(struct pool *p, double *wait, enum pool_ev *ev)
{
	struct pool_job *j;

	if (p->n == 0) {
		*wait = POOL_IDLE_S;
		return NULL;
	}
	j = p->heap[0];
	*wait = ts_diff(j->due, mono_now());
	if (*wait > (j->step != NULL && !j->waiting && !j->block ?
	    POOL_EARLY : 0))
		return NULL;
	unqueue(p, j);
	j->running = 1;
	*ev = j->waiting ? POOL_TIMEOUT : POOL_DUE;
	set_waiting(p, j, 0);
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
		wake_leader(p);
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
	/* the POOL_MIN that never retire sleep until called */
	while (!f.called && !p->stopping && rc != ETIMEDOUT)
		rc = p->workers > POOL_MIN ? pthread_cond_timedwait(&f.cv,
		    &p->mu, &dl) : pthread_cond_wait(&f.cv, &p->mu);
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

/*
 * A job was queued: the lead (or, with none, a follower) looks again;
 * with neither (every worker in a slow run), a new worker leads.
 */
static void
nudge(struct pool *p)
{
	if (p->has_leader)
		wake_leader(p);
	else if (!call_follower(p))
		grow(p);
}

/* Hand the lead to a follower, or start one if none is free. */
static void
pass_lead(struct pool *p)
{
	p->has_leader = 0;
	if (!call_follower(p) && p->n > 0)
		grow(p);
}

/*
 * J's step gave up: its run() goes to a follower (or a new worker) and
 * the leader keeps the lead. Were it to run J itself and hand the lead
 * on, every time-out of a silent device would leave the healthy ones'
 * steps to wait until the called follower is scheduled: on a busy
 * machine, tens of ms a time.
 */
static void
hand_off(struct pool *p, struct pool_job *j)
{
	int none = p->runs == NULL;

	j->next_run = NULL;
	j->handed = mono_now();
	*p->runs_tail = j;
	p->runs_tail = &j->next_run;
	if (none || p->followers != NULL)
		more(p);
	else
		runs_late(p);
}

static struct pool_job *
next_run(struct pool *p)
{
	struct pool_job *j = p->runs;

	if (j != NULL && (p->runs = j->next_run) == NULL)
		p->runs_tail = &p->runs;
	return j;
}

/*
 * The leader takes job J (running): its step, here and now; a job with
 * no step (nothing to wait for on the leader) is run on this thread
 * after handing the lead on, at once; a step that gave up is handed to
 * a follower. With the lock held. Returns 1 if this thread still leads.
 */
static int
lead(struct pool *p, struct pool_job *j, enum pool_ev ev)
{
	static int arm_failed;
	int rc;

	if (j->step == NULL) {
		pass_lead(p);
		pthread_mutex_unlock(&p->mu);
		j->run(j);
		pthread_mutex_lock(&p->mu);
		give_back(p, j);
		return 0;
	}
	if (j->block) {
		j->block = 0;
		hand_off(p, j);
		return 1;
	}
	pthread_mutex_unlock(&p->mu);
	rc = j->step(j, ev);
	pthread_mutex_lock(&p->mu);
	if (rc == POOL_WAIT && arm(p, j) == -1) {
		if (!arm_failed)
			log_warn("pool: epoll");
		arm_failed = 1;
		j->due = mono_now();	/* its step learns: no answer */
	}
	if (rc == POOL_WAIT) {
		j->running = 0;
		set_waiting(p, j, !j->gone);
		if (!j->gone)
			push(p, j);
		pthread_cond_broadcast(&p->done);
	} else if (rc == POOL_BLOCK) {
		j->block = 1;
		j->due = mono_now();
		give_back(p, j);
	} else
		give_back(p, j);
	return 1;
}

/*
 * The leader sleeps until WAIT s from now, or an event: a job's socket,
 * or a nudge. Ready jobs take their step. With the lock held.
 */
static void
wait_events(struct pool *p, double wait)
{
	struct epoll_event ev[POOL_EVENTS];
	struct pool_job *j;
	struct timespec ts;
	double nap = POOL_TICK - ts_diff(mono_now(), p->woke);
	uint64_t v;
	int i, n;

	if (wait > POOL_IDLE_S)
		wait = POOL_IDLE_S;
	if (p->runs != NULL && wait > POOL_RUN_WAIT)
		wait = POOL_RUN_WAIT;	/* see that they are taken */
	/*
	 * Woke a moment ago: let work gather. Unless no reply is awaited
	 * and nothing comes due before the nap would end: then epoll_wait
	 * sleeps as long, and a nap would only cost a wake-up (a quiet
	 * station wakes twice a poll, not three times).
	 */
	if (nap > 0 && (p->nwait > 0 || wait < nap)) {
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(nap * 1e9);
		pthread_mutex_unlock(&p->mu);
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&p->mu);
		return;
	}
	p->lead_until = ts_add(mono_now(), wait);
	p->sleeping = 1;
	pthread_mutex_unlock(&p->mu);
	/* ms, rounded up: a step may start POOL_EARLY before it is due */
	n = epoll_wait(p->epfd, ev, POOL_EVENTS, (int)ceil(wait * 1000));
	pthread_mutex_lock(&p->mu);
	p->sleeping = 0;
	p->woke = mono_now();
	for (i = 0; i < n && !p->stopping; i++) {
		if (ev[i].data.u64 == NUDGE) {
			if (read(p->efd, &v, sizeof(v)) == -1 &&
			    errno != EAGAIN)
				log_warn("pool: eventfd");
			continue;
		}
		if ((j = lookup(p, ev[i].data.u64)) == NULL || !j->waiting)
			continue;	/* removed, or gone on by its deadline */
		unqueue(p, j);
		set_waiting(p, j, 0);
		j->running = 1;
		lead(p, j, POOL_READY);	/* a step: this thread still leads */
	}
}

/*
 * A worker's stack is the pool's own mapping (spawn), unmapped once the
 * worker is joined: glibc keeps the stacks of ended threads (up to
 * 40 MiB) for the next ones, each resident as deep as it ever got and
 * at least its top (TLS, the thread's descriptor); after the start-up of
 * a thousand devices (tens of workers at once, each blocked in a
 * connect) that stayed in the daemon's memory for good.
 */
struct worker {
	struct pool	*p;
	pthread_t	 t;
	void		*map;		/* guard page and stack */
	size_t		 len;
	struct worker	*next;		/* on p->dead */
};

/* Join the ended workers of list W and unmap their stacks. */
static void
reap(struct worker *w)
{
	struct worker *next;

	for (; w != NULL; w = next) {
		next = w->next;
		pthread_join(w->t, NULL);
		munmap(w->map, w->len);
		free(w);
	}
}

static void *
worker(void *arg)
{
	struct worker *self = arg, *dead;
	struct pool *p = self->p;
	struct pool_job *j;
	enum pool_ev ev;
	double wait;
	int leading = 0;

	pthread_setname_np(pthread_self(), "lw-poll");

	pthread_mutex_lock(&p->mu);
	p->starting--;
	/* this one takes the first waiting run; if late, one more */
	if (p->runs != NULL && p->runs->next_run != NULL)
		runs_late(p);
	while (!p->stopping) {
		if (!leading && (j = next_run(p)) != NULL) {
			pthread_mutex_unlock(&p->mu);
			j->run(j);
			pthread_mutex_lock(&p->mu);
			give_back(p, j);
			continue;
		}
		if (!leading && p->has_leader) {
			if (follow(p) == -1)
				break;		/* not needed: end */
			continue;
		}
		p->has_leader = leading = 1;
		runs_late(p);
		if ((j = take(p, &wait, &ev)) != NULL)
			leading = lead(p, j, ev);
		else
			wait_events(p, wait);
	}
	if (leading)
		p->has_leader = 0;
	p->workers--;
	/* those that ended before are joined here; this one by the next */
	dead = p->dead;
	self->next = NULL;
	p->dead = self;
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->mu);
	reap(dead);
	return NULL;
}
/* Start a worker; called with the lock held. */
static void
spawn(struct pool *p)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	pthread_attr_t attr;
	struct worker *w;
	sigset_t all, old;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("pool");
	w->p = p;
	w->len = pg + POOL_STACK;
	if ((w->map = mmap(NULL, w->len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_STACK, -1, 0)) == MAP_FAILED ||
	    mprotect(w->map, pg, PROT_NONE) == -1) {
		log_warn("pool: cannot map a worker's stack (%zu running)",
		    p->workers);
		if (w->map != MAP_FAILED)
			munmap(w->map, w->len);
		free(w);
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstack(&attr, (char *)w->map + pg, POOL_STACK);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&w->t, &attr, worker, w) == 0) {
		p->workers++;
		p->starting++;
		if (p->workers > p->peak)
			p->peak = p->workers;
	} else {
		log_warn("pool: cannot start a worker (%zu running)",
		    p->workers);
		munmap(w->map, w->len);
		free(w);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}

struct pool *
pool_new(size_t max)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = NUDGE };
	pthread_condattr_t ca;
	struct pool *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("pool");
	p->max = max < POOL_MIN ? POOL_MIN : max;
	if ((p->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->efd, &e) == -1)
		fatal("pool: epoll");
	p->runs_tail = &p->runs;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
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
	wake_leader(p);
	while (call_follower(p))
		;
	while (p->workers > 0) {
		wake_leader(p);
		pthread_cond_wait(&p->done, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	reap(p->dead);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->done);
	close(p->epfd);
	close(p->efd);
	free(p->heap);
	free(p->slots);
	free(p->gens);
	free(p->freel);
	free(p);
}

void
pool_add(struct pool *p, struct pool_job *j)
{
	pthread_mutex_lock(&p->mu);
	j->heap_idx = SIZE_MAX;
	j->running = j->waiting = j->block = j->wake = j->gone = 0;
	slot_take(p, j);
	push(p, j);
	nudge(p);
	pthread_mutex_unlock(&p->mu);
}

/* J is not running: out of the heap and its slot. With the lock held. */
static void
forget(struct pool *p, struct pool_job *j)
{
	if (j->heap_idx != SIZE_MAX)
		unqueue(p, j);
	set_waiting(p, j, 0);
	slot_give(p, j);
}

void
pool_remove(struct pool *p, struct pool_job *j)
{
	pthread_mutex_lock(&p->mu);
	j->gone = 1;
	while (j->running)
		pthread_cond_wait(&p->done, &p->mu);
	forget(p, j);
	pthread_mutex_unlock(&p->mu);
}

int
pool_remove_by(struct pool *p, struct pool_job *j, struct timespec dl)
{
	int rc = 0;

	pthread_mutex_lock(&p->mu);
	j->gone = 1;
	while (j->running && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&p->done, &p->mu, &dl);
	if (j->running) {
		pthread_mutex_unlock(&p->mu);
		return -1;	/* gone: give_back will not queue it */
	}
	forget(p, j);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

void
pool_wake(struct pool *p, struct pool_job *j)
{
	pthread_mutex_lock(&p->mu);
	if (j->running || j->waiting)	/* after the step or run under way */
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
	/* runs wait and no worker is on its way: one could not start */
	if (p->starting == 0)
		runs_late(p);
	pthread_mutex_unlock(&p->mu);
}
