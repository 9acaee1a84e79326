/* notify.h: the delivery thread: outbox -> webhooks, with retries */
#ifndef LW_NOTIFY_H
#define LW_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "event.h"

struct notify;

struct notify_stats {
	uint64_t	sent;		/* accepted with 2xx */
	uint64_t	retries;	/* failed attempts that will be retried */
	uint64_t	dead;		/* refused with 4xx, moved to deadletter */
	size_t		depth;		/* events waiting, all targets */
};

/*
 * Start delivering to the webhooks of C (which must outlive it). Events
 * left in the outbox by an earlier run are sent first. Fatal on ENOMEM.
 */
struct notify	*notify_start(const struct conf *c);
/* Stop the thread; what is not delivered stays in the outbox. */
void		 notify_stop(struct notify *);
/*
 * Write EV to the outbox of every webhook (fsync'd) and wake the thread.
 * Returns 0, or -1 with err filled if some outbox could not be written;
 * then the event is kept in memory and written again on the next call
 * of notify_retry_pending.
 */
int		 notify_enqueue(struct notify *, const struct event *ev,
		    char err[LW_ERRLEN]);
/* Try again to write events that could not be written; count left. */
size_t		 notify_retry_pending(struct notify *);
void		 notify_stats(struct notify *, struct notify_stats *);
/* The X-Lakewatch-Signature value for BODY at timestamp TS into OUT. */
void		 notify_sign(const char *secret, long long ts,
		    const char *body, char *out, size_t len);

#endif
