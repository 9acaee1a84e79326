/*
 * pool.h: worker threads that run scheduled jobs (the buses). A job is
 * run by one worker at a time, when it is due; a worker that runs a slow
 * job blocks only that job. When a job is due and every worker is busy,
 * another worker starts, up to a limit; workers idle for a while end.
 * So a thousand healthy buses share a few threads, and a slow or dead
 * device still costs only its own bus: while some workers wait for it,
 * others are started for the rest.
 *
 * A job may also have a step: a non-blocking part that the thread which
 * leads (the one waiting for the next due time, in epoll) runs itself.
 * A step sends a request and asks to be called again when its socket is
 * readable or a deadline passes; so a healthy TCP device is polled with
 * no hand-over between threads at all. A step that meets anything out of
 * the ordinary hands the job to a worker (POOL_BLOCK), where run() goes
 * on from there.
 */
#ifndef LW_POOL_H
#define LW_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct pool;

/* s: a step may be called this much before its job is due */
#define POOL_EARLY	0.005

/* why a step is called */
enum pool_ev {
	POOL_DUE,	/* the job came due */
	POOL_READY,	/* job->fd is readable (or has an error) */
	POOL_TIMEOUT	/* the deadline passed, fd not readable */
};

/* what a step asks for */
enum {
	POOL_DONE,	/* nothing more now; run again at job->due */
	POOL_WAIT,	/* call again when job->fd is readable, or at job->due */
	POOL_BLOCK	/* call run() on a worker, now */
};

struct pool_job {
	/* run by a worker when due; sets due to when to run again */
	void		(*run)(struct pool_job *);
	/* optional, must not block: see above; NULL: always run() */
	int		(*step)(struct pool_job *, enum pool_ev);
	int		 fd;		/* with POOL_WAIT */
	struct timespec	 due;		/* CLOCK_MONOTONIC */
	/* owned by the pool */
	size_t		 heap_idx;	/* SIZE_MAX when not queued */
	uint32_t	 slot;		/* its name in epoll events */
	int		 running;
	int		 waiting;	/* for fd; due is the deadline */
	int		 block;		/* its step asked for run() */
	int		 wake;		/* run again at once after this run */
	int		 gone;		/* removed: never queued again */
	struct pool_job	*next_run;	/* waiting for a follower to run it */
	struct timespec	 handed;	/* ... since */
};

/* A pool of at most MAX workers; fatal on failure. */
struct pool	*pool_new(size_t max);
/* Stop the workers (all jobs must have been removed) and free. */
void		 pool_free(struct pool *);
/* Queue JOB to run at job->due. */
void		 pool_add(struct pool *, struct pool_job *);
/* Take JOB out; waits while a worker is running it. */
void		 pool_remove(struct pool *, struct pool_job *);
/*
 * The same, waiting at most until DL (CLOCK_MONOTONIC): -1 if a worker
 * is still in JOB then. JOB is never queued again, but that worker goes
 * on with it, so JOB must stay valid, and pool_free would wait for it:
 * for a process that is about to exit.
 */
int		 pool_remove_by(struct pool *, struct pool_job *,
		    struct timespec dl);
/* Run JOB as soon as possible (after the run under way, if any). */
void		 pool_wake(struct pool *, struct pool_job *);
/*
 * Start a worker if a job is overdue by more than LATE seconds and no
 * worker is free (all blocked in slow jobs): a safety net, as the pool
 * starts one itself whenever the lead would be left to nobody; it only
 * matters after a worker could not be started. The main loop calls it
 * at least once a second.
 */
void		 pool_tick(struct pool *, double late);
/* Workers now, and the most there were at once. */
void		 pool_count(struct pool *, size_t *now, size_t *peak);

#endif
