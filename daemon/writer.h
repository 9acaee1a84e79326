/* writer.h: the RRD store driven by a thread of its own */
#ifndef LW_WRITER_H
#define LW_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../lib/conf.h"
#include "store.h"

struct writer;

/* A reading on its way to its RRD file. */
struct wval {
	time_t	t;
	double	v;		/* NAN: UNKNOWN */
};

struct writer_stats {
	uint64_t	stored;		/* values the store accepted */
	uint64_t	errors;		/* batches a file refused */
	uint64_t	dropped;	/* values dropped: hand-over full */
	size_t		waiting;	/* values handed over, not yet taken */
};

/*
 * Start a thread that owns ST of config C (creating files, updates, rrdcached) so
 * that a slow disk or 3000 files being created never hold up the core.
 * At most LIMIT values wait for it; past that the oldest are dropped and
 * counted (the sample log has them). Fatal if the thread cannot start.
 */
struct writer	*writer_start(struct store *st, const struct conf *c,
		    size_t limit);
/* Hand over the N readings of sensor IDX in time order; never waits. */
void		 writer_put(struct writer *, int idx, const struct wval *v,
		    size_t n);
/* Wait until everything handed over so far went to the store. */
void		 writer_drain(struct writer *);
/*
 * Run FN(ST, ARG) on the store while the thread keeps off it (store_adopt
 * on a reload).
 */
void		 writer_with(struct writer *, void (*fn)(struct store *,
		    void *), void *arg);
void		 writer_stats(struct writer *, struct writer_stats *);
/* Drain, stop the thread; the store stays the caller's. */
void		 writer_stop(struct writer *);

#endif
