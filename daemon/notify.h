/*
 * notify.h: the delivery thread: outbox -> webhooks. One queue per
 * webhook, so a dead receiver delays only its own queue; up to
 * max_inflight requests at once per webhook (curl multi), one sensor's
 * events strictly one after another, in order. Retries with backoff and
 * jitter, honouring Retry-After; 4xx other than 408/429 goes to the
 * dead-letter folder; chat receivers with a rate limit get a digest
 * instead of a flood (one request at a time); alertmanager targets keep
 * their active alerts under <state_dir>/alertmanager/ and re-send them
 * while firing (one request at a time). The thread is notify.c; the
 * schedule deliver.c, the outbox writes enqueue.c, digests chat.c,
 * Alertmanager alertmanager.c (notifyint.h is what they share).
 */
#ifndef LW_NOTIFY_H
#define LW_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/conf.h"
#include "../lib/event.h"

struct notify;

struct notify_stats {
	uint64_t	sent;		/* events accepted with 2xx */
	uint64_t	retries;	/* failed attempts that will be retried */
	uint64_t	dead;		/* events refused, moved to deadletter */
	uint64_t	digests;	/* digest messages accepted */
	size_t		depth;		/* events waiting, all targets */
	size_t		pending;	/* events not yet written to an outbox */
	size_t		unreadable;	/* webhooks whose outbox could not be
					   read at start (logged) */
};

/*
 * Start delivering to the webhooks of C (which must outlive it). Events
 * left in the outbox by an earlier run are sent first; a webhook whose
 * outbox cannot be read is logged and counted (unreadable), and the rest
 * go on. Fatal only on ENOMEM or when curl or a thread cannot start.
 */
struct notify	*notify_start(const struct conf *c);
/*
 * Stop the thread; what is not delivered stays in the outbox. Events
 * still held in memory are written to their outboxes even past
 * max_outbox; only those that cannot be written are lost (and logged).
 */
void		 notify_stop(struct notify *);
/*
 * Write EV to the outbox of every webhook (fsync'd) and wake the thread.
 * Returns 0, or -1 with err filled (naming the webhook) if some outbox
 * could not take it: a write error, or max_outbox events already
 * waiting. Then the event is kept in memory for those webhooks and
 * written, in order, by notify_retry_pending or a later enqueue.
 */
int		 notify_enqueue(struct notify *, const struct event *ev,
		    char err[LW_ERRLEN]);
/*
 * The same for EV[0..K), written to each outbox as one batch (two fsyncs
 * for all); returns how many are kept in memory (ERR: why, the last).
 */
size_t		 notify_enqueue_many(struct notify *,
		    const struct event *ev, size_t k, char err[LW_ERRLEN]);
/* Try again to write events kept in memory; returns how many are left. */
size_t		 notify_retry_pending(struct notify *);
void		 notify_stats(struct notify *, struct notify_stats *);

#endif
