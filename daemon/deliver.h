/*
 * deliver.h: when a webhook's outbox entries may go out. Pure: no curl,
 * no threads, no files; the time comes in as an argument, so a test can
 * run it on a fake clock. The delivery thread (notify.c) owns one
 * struct deliver per webhook and tells it what it sent and how that
 * ended.
 *
 * The queue is oldest first. Up to max_inflight requests are out at
 * once. An entry is sent only when no older entry of the same sensor is
 * left in the queue (in flight or waiting), so one sensor's transitions
 * reach the receiver in order and never overlap, while different
 * sensors' travel in parallel.
 *
 * A failure (timeout, 5xx, 429) puts the whole webhook into backoff: its
 * receiver is probably down. What is already in flight finishes; after
 * the backoff the failed entry goes first and alone, and the webhook
 * opens up again once a request sent since the failure is accepted. A
 * failure of a request sent before the backoff began adds nothing to it,
 * though its Retry-After is still honoured. A rate limit (rate_limit
 * requests a rate_window) holds back what would exceed it.
 */
#ifndef LW_DELIVER_H
#define LW_DELIVER_H

#include <sys/queue.h>

#include <stddef.h>
#include <time.h>

#define DELIVER_BACKOFF_MIN	1.0
#define DELIVER_BACKOFF_MAX	300.0
#define DELIVER_AFTER_MAX	3600.0	/* Retry-After honoured up to this, s */
#define DELIVER_SCAN_MAX	1024	/* queue entries one pick looks at */

/* One outbox entry of a webhook. */
struct dl_entry {
	TAILQ_ENTRY(dl_entry) link;
	int		 inflight;	/* in a request now */
	int		 sensor;	/* index into conf sensors, nsensor if
					   not there; -1: not read yet */
	int		 retry;		/* failed: goes first after backoff */
	char		 name[];
};
TAILQ_HEAD(dl_entries, dl_entry);

struct deliver {
	struct dl_entries q;		/* oldest first */
	size_t		 max;		/* requests in flight at most */
	size_t		 busy;		/* requests in flight */
	size_t		 nsensor;
	char		*seen;		/* scratch: a byte per sensor + 1 */
	struct timespec	 next_try;	/* nothing goes out before */
	int		 attempts;	/* failures since the last success */
	unsigned	 epoch;		/* bumped by each failure that backs
					   off: older requests say nothing */
	int		 down;		/* in backoff since a failure */
	int		 rate_limit;	/* requests a window; 0: none */
	double		 rate_window;	/* s */
	struct timespec	*rl;		/* rate limit: send times, a ring */
	size_t		 rl_i;
};

enum dl_pick {
	DL_NONE,	/* nothing may go out now */
	DL_SEND,	/* send the entry (alone) */
	DL_SENSE	/* its sensor is unknown: set it or remove the entry,
			   then pick again */
};

/*
 * An entry named NAME of sensor SENSOR (-1: not known), malloc'd, for
 * deliver_adopt; fatal on ENOMEM.
 */
struct dl_entry	*dl_entry_new(const char *name, int sensor);
/* Free every entry of H. */
void		 dl_entries_free(struct dl_entries *h);

/*
 * D for a webhook with at most MAX requests in flight and RATE_LIMIT
 * requests per RATE_WINDOW s (0: no limit), for NSENSOR sensors; it may
 * send from NOW on. Fatal on ENOMEM.
 */
void		 deliver_init(struct deliver *d, size_t max, size_t nsensor,
		    int rate_limit, double rate_window, struct timespec now);
/* Free D's entries and scratch. */
void		 deliver_release(struct deliver *d);
/* Move the entries of IN to the end of D's queue (IN is left empty). */
void		 deliver_adopt(struct deliver *d, struct dl_entries *in);
/* Take entry E out of D's queue and free it. */
void		 deliver_remove(struct deliver *d, struct dl_entry *e);
/* Up to MAX entries at the head of D's queue into E; how many. */
size_t		 deliver_head(const struct deliver *d, struct dl_entry **e,
		    size_t max);

/*
 * The next entry of D that may go out at NOW, for a webhook that sends
 * one event a request, into *E. Before next_try: DL_NONE. In backoff:
 * the entry that failed first (else the oldest), and only when nothing
 * is in flight. Else the oldest entry not in flight whose sensor has no
 * older entry queued, while a slot is free. A rate limit that says no
 * moves next_try to when it allows one. Changes nothing but next_try.
 */
enum dl_pick	 deliver_pick(struct deliver *d, struct timespec now,
		    struct dl_entry **e);
/*
 * For a webhook that folds several events into one request: 1 if D may
 * start one at NOW (after next_try, nothing in flight, the rate limit
 * allows; if it does not, next_try moves to when it does).
 */
int		 deliver_ready(struct deliver *d, struct timespec now);
/* Requests D may still make in the current window (SIZE_MAX: no limit). */
size_t		 deliver_rate_free(const struct deliver *d,
		    struct timespec now);
/*
 * 0 if every slot D may use now is in flight; else 1 and the seconds
 * until next_try into *S (<= 0: now).
 */
int		 deliver_wait(const struct deliver *d, struct timespec now,
		    double *s);

/*
 * The K entries E went out in one request at NOW: they are in flight.
 * Returns the epoch to hand back with the request's outcome.
 */
unsigned	 deliver_launched(struct deliver *d, struct dl_entry *const *e,
		    size_t k, struct timespec now);
/* A request of D has come back (whatever its outcome): its slot is free. */
void		 deliver_landed(struct deliver *d);
/*
 * The request of epoch EPOCH was accepted (its entries are to be
 * removed). 1 if that ends a backoff (the webhook delivers again).
 */
int		 deliver_ok(struct deliver *d, unsigned epoch);
/*
 * The request of epoch EPOCH carrying the K entries E failed at NOW,
 * with RETRY_AFTER s asked by the receiver (0: none). They wait again
 * and go first after the backoff: doubling from DELIVER_BACKOFF_MIN to
 * DELIVER_BACKOFF_MAX s, times 0.5 + JITTER / 2 (JITTER in [0, 1)), or
 * RETRY_AFTER if longer (up to DELIVER_AFTER_MAX). Returns the backoff
 * begun, s, or -1 if the request was sent before the current backoff
 * began (then only its Retry-After can push next_try later).
 */
double		 deliver_failed(struct deliver *d, struct dl_entry *const *e,
		    size_t k, unsigned epoch, double retry_after,
		    double jitter, struct timespec now);

#endif
