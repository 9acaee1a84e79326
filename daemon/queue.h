/* queue.h: bounded queue of samples from the buses (pool threads) to the core */
#ifndef LW_QUEUE_H
#define LW_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/sample.h"

struct queue;

/* A queue of CAP samples; fatal on ENOMEM. Free with queue_free. */
struct queue	*queue_new(size_t cap);
void		 queue_free(struct queue *);
/*
 * Append a copy of S. If the queue is full, wait up to WAIT_MS for room;
 * returns 0, or -1 if it stayed full (the sample is dropped and counted).
 */
int		 queue_push(struct queue *, const struct sample *, int wait_ms);
/*
 * Move up to MAX samples into OUT, oldest first, waiting up to WAIT_MS
 * for the first one. Returns how many were moved (0 on time-out).
 */
size_t		 queue_pop(struct queue *, struct sample *out, size_t max,
		    int wait_ms);
/* Samples dropped because the queue was full, since queue_new. */
uint64_t	 queue_drops(struct queue *);
/* Samples waiting now. */
size_t		 queue_depth(struct queue *);
/* Wake a waiting queue_pop early (e.g. on a signal). */
void		 queue_wake(struct queue *);

#endif
