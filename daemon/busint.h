/*
 * busint.h: what the files of the bus module share (bus.h is its
 * contract with the rest of the daemon). One bus is split by job:
 *
 *   bus.c       the bus as a pool job: start, stop, rebind, run()
 *   bussched.c  its schedule: slots, the wall clock followed, missed slots
 *   buslink.c   the blocking path: connect, transact, retries (workers)
 *   busfast.c   the non-blocking TCP path: step() on the pool's leader
 *   buspoll.c   what a poll's replies mean: split, refusals, units, samples
 *   busrule.c   the decisions of the last three, as pure functions
 *   busio.c     the I/O under them (struct bus_ops): libmodbus, TCP framing
 *
 * A struct bus is used by one thread at a time (the pool runs a job on
 * one thread at once), except for the fields under mu and the atomics.
 */
#ifndef LW_BUSINT_H
#define LW_BUSINT_H

#include <modbus.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "../lib/conf.h"
#include "../lib/plan.h"
#include "../lib/util.h"
#include "bus.h"
#include "busrule.h"
#include "mbtcp.h"
#include "pool.h"

#define NUNITS		256
#define MISSED_MAX	100	/* B rows for the slots one overrun missed */


/* What the bus remembers of one of its sensors between polls. */
struct last {
	double		value;
	uint16_t	status;
	char		flag;
	int64_t		mtime;
	char		seen;
	struct busrule_refusal ref;	/* the device refused its registers */
	uint8_t		ref_exc;	/* ... with this exception, last time */
	uint16_t	ref_addr, ref_count;	/* ... these registers */
};

struct bus;

/*
 * The I/O under a bus: busio.c's (libmodbus, our TCP framing), or a
 * test's fake device. The bus state they may keep is theirs: ctx, sock,
 * tid, adu, stray_logged (busio.c) or dev (a test).
 */
struct bus_ops {
	/* Open the link: 0, or -1 with errno. */
	int	(*connect)(struct bus *);
	void	(*close)(struct bus *);
	/* One try of R, blocking up to the time-out: 0 with REGS, or errno. */
	int	(*transact)(struct bus *, const struct plan_req *r,
		    uint16_t *regs);
	/* Drop what the link holds (a late or broken reply). */
	void	(*flush)(struct bus *);
	/* The monotonic clock, s. */
	double	(*now)(struct bus *);
	/* Wait SECS, or less if the bus is asked to stop. */
	void	(*sleep)(struct bus *, double secs);
};

struct bus {
	struct pool_job		 job;		/* first: the pool's handle */
	const struct conf	*c;
	const struct conf_bus	*b;
	struct queue		*q;
	struct pool		*pool;
	double			 phase;		/* s after the slot it polls */
	struct wallclock	 clk;		/* the schedule's wall clock */
	atomic_int		 stop;
	pthread_mutex_t		 mu;	/* stats, the stop wait, rebinding */
	pthread_cond_t		 cv;
	pthread_cond_t		 rebound;	/* signalled when applied */
	const struct conf	*pend_c;	/* a new config to adopt */
	int			 pend_idx;
	const struct bus_ops	*ops;
	void			*dev;		/* a test's fake device */
	modbus_t		*ctx;
	int			 sock;	/* TCP, connected: for bus_halt; mu */
	atomic_int		 connected;
	int			 down_logged;
	int			 timeouts_row;
	double			 backoff;	/* s before reconnecting */
	double			 retry_at;	/* ops->now of the next connect */
	double			 last_end;	/* ops->now: end of the last try */
	/* the last request on the link was answered: no late reply to come */
	int			 clean;
	uint16_t		 tid;		/* TCP: the last transaction sent */
	uint8_t			 adu[MBTCP_REQ_LEN];	/* ... and its request */
	double			 stray_logged;	/* mono s; 0: never */
	struct {			/* a poll run by step() */
		int		 active;
		time_t		 t;	/* its slot */
		size_t		 ndue, nreq;
		size_t		 i;	/* the request in flight */
		int		 err;	/* its first try, when handed over */
		struct timespec	 sent;
	} fast;
	atomic_llong		 busy_since_ns;	/* mono start of a poll; 0 idle */
	int			*sensors;
	size_t			 ns;
	time_t			*next_t;	/* per sensor: next slot */
	int			*due;		/* local indices (into sensors) */
	struct last		*last;		/* per local index */
	struct plan_req		*reqs;
	/* a row per request of the largest plan so far (bus_plan_due) */
	uint16_t		(*regs)[PLAN_MAX_REGS];
	size_t			 nregs;
	int			*req_err;	/* 0 ok, else errno */
	/*
	 * NUNITS a table, made when a unit first needs a mark (bus_units):
	 * NULL, all 0, as on a bus whose devices all answer (512 B a bus
	 * otherwise: half a megabyte of a thousand)
	 */
	unsigned char		*nomerge;
	unsigned char		*unit_fails;
	struct bus_stats	 st;
};

/* bus.c */
/*
 * A bus of C (bus IDX) over OPS (DEV: theirs), pushing to Q, with no
 * pool and no libmodbus context: bus_start adds those; a test drives it
 * with bus_tick. Fatal on ENOMEM.
 */
struct bus *bus_new(const struct conf *c, int idx, struct queue *q,
	    const struct bus_ops *ops, void *dev);
/* Close the link and free (the bus must be out of its pool). */
void	bus_free(struct bus *);
/* Table *T of the bus, made (all 0) if it is not yet: see struct bus. */
unsigned char *bus_units(unsigned char **t);
/* Sleep until the monotonic deadline DL or until asked to stop. */
void	bus_sleep_until(struct bus *, struct timespec dl);
/* 1 if a new config waits to be adopted (bus_rebind). */
int	bus_pending(struct bus *);
/* The monotonic clock in ns. */
long long bus_mono_ns(void);

/* buslink.c: the blocking path */
/* Connect unless connected or backing off: 0, or -1. */
int	bus_connect(struct bus *);
/* Close the link (if open); the next request connects again. */
void	bus_disconnect(struct bus *);
/* A try sent at T0 ended with ERR (0: answered): count it; ERR back. */
int	bus_tried(struct bus *, int err, double t0);
/* What a request's result (after its retries) says of the link. */
void	bus_link_health(struct bus *, int err);
/*
 * Requests FROM..NREQ-1 of the plan, blocking, with their retries;
 * FIRST: the result of request FROM's first try when step() made it,
 * else -1. Results in req_err.
 */
void	bus_run_requests(struct bus *, size_t from, size_t nreq, int first);

/* busfast.c: the non-blocking TCP path */
/* The job's step (pool.h): a poll of a healthy TCP bus. */
int	bus_step(struct pool_job *, enum pool_ev);

/* busio.c: the real I/O */
extern const struct bus_ops bus_io_ops;
/* Send R on the TCP link as a new transaction: 0, or errno. */
int	bus_tcp_send(struct bus *, const struct plan_req *r);
/*
 * Take the reply to the request in flight: 1 with the registers in
 * REGS, 0 while it is still to come, -1 with errno.
 */
int	bus_tcp_take(struct bus *, uint16_t *regs);

/* buspoll.c */
/* Sample of sensor LOC at slot T to the core (NREQ 0: a B row). */
void	bus_push(struct bus *, int loc, time_t t, size_t nreq);
/* The plan for the NDUE due sensors the bus still asks: how many. */
size_t	bus_plan_due(struct bus *, size_t ndue);
/*
 * Requests FROM.. of the NREQ planned for the NDUE due sensors (FIRST:
 * see bus_run_requests), split if refused, judged, then the samples of
 * slot T.
 */
void	bus_poll_due(struct bus *, size_t ndue, time_t t, size_t nreq,
	    size_t from, int first);

/* bussched.c */
/* The first slot of INTERVAL strictly after NOW. */
time_t	bus_next_slot(double now, int interval);
/* The wall clock as the schedule sees it (s). */
double	bus_sched_now(const struct bus *);
/* A poll of the sensors due at slot T begins: how many they are. */
size_t	bus_poll_begin(struct bus *, time_t t);
/* The poll of slot T is over: each of its sensors to its next slot. */
void	bus_poll_end(struct bus *, time_t t);
/* Poll the sensors due at slot T (blocking); then bus_poll_end. */
void	bus_tick(struct bus *, time_t t);
/* Set job.due to when the pool is to come back. */
void	bus_reschedule(struct bus *);
/* The slot due now (or in POOL_EARLY s), or 0; follows the clock. */
time_t	bus_due_now(struct bus *);
/* The bus's phase after each slot (s), from its name. */
double	bus_phase_of(const struct bus *);

#endif
