/*
 * bus.h: the buses, each a serial line or a TCP endpoint with one
 * request in flight. A bus has no thread of its own: it is a job of the
 * pool (pool.h), run on a worker while it blocks (libmodbus RTU, retries,
 * a slow device), or stepped without blocking by the pool's leading
 * thread while it is a healthy TCP link. busint.h says which file does
 * what.
 */
#ifndef LW_BUS_H
#define LW_BUS_H

#include <stdint.h>

#include "../lib/conf.h"
#include "pool.h"
#include "queue.h"

struct bus;

struct bus_stats {
	uint64_t	requests;	/* Modbus transactions sent */
	uint64_t	ok;
	uint64_t	timeouts;
	uint64_t	crc;		/* bad CRC or malformed replies */
	uint64_t	stray;		/* replies to no request in flight, dropped */
	uint64_t	exceptions[12];	/* by exception code 1..11 */
	uint64_t	reconnects;
	uint64_t	polls;		/* scheduled polls */
	uint64_t	late;		/* polls that started > 1 s late */
	double		lag_sum;	/* s polls started after their slot */
	double		lag_max;
	uint64_t	lag_n;
	double		latency_sum;	/* s, over ok requests */
	double		latency_max;
	double		busy;		/* s spent in requests */
	double		up_since;	/* mono s when the bus started */
	int		connected;
};

/*
 * Start polling the sensors of bus BUS of C (which must outlive the bus,
 * or be replaced with bus_rebind) on the workers of POOL, pushing their
 * samples to Q.
 */
struct bus	*bus_start(const struct conf *c, int bus, struct queue *q,
		    struct pool *pool);
/* Stop polling (waits for a poll under way), close the link and free. */
void		 bus_stop(struct bus *);
/*
 * Have the bus stop: no new request, and a TCP request under way ends at
 * once (its socket is shut down). An RTU request runs to its time-out.
 */
void		 bus_halt(struct bus *);
/*
 * bus_stop, waiting for the poll under way until DL at most (monotonic).
 * -1 if it still runs then: the bus is left to it, not freed, and so are
 * its config, queue and pool (for a process about to exit).
 */
int		 bus_stop_by(struct bus *, struct timespec dl);
/* A snapshot of the counters. */
void		 bus_stats(struct bus *, struct bus_stats *);
/* Seconds the poll under way has taken so far; 0 while waiting. */
double		 bus_busy(struct bus *);
/* A poll longer than this means the bus is stuck (s). */
double		 bus_stuck_after(const struct bus *);
/* 1 if A and B are the same link (a reload may keep its connection). */
int		 bus_same_link(const struct conf_bus *a, const struct conf_bus *b);
/*
 * Hand the running bus a new config C, where it is bus IDX (same link).
 * Waits until the bus adopted it at a safe point (between polls):
 * the connection stays open, sensors it keeps keep their schedule. The
 * old config may be freed after this returns.
 */
void		 bus_rebind(struct bus *, const struct conf *c, int idx);
const char	*bus_name(const struct bus *);

#endif
