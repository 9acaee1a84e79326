/*
 * notifyint.h: what the parts of the delivery thread share; not a
 * contract for anyone else (that is notify.h). notify.c runs the thread
 * and curl and owns the requests; enqueue.c writes the outboxes from the
 * core's thread; deliver.c decides when an entry may go; chat.c folds
 * digests and reads chat verdicts; alertmanager.c keeps and re-sends an
 * Alertmanager's active alerts. Everything in struct target below "the
 * rest" belongs to the thread.
 */
#ifndef LW_NOTIFYINT_H
#define LW_NOTIFYINT_H

#include <curl/curl.h>
#include <jansson.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "../lib/conf.h"
#include "deliver.h"

#define REPLY_MAX	512
#define FOLD_MAX	100	/* events one request carries at most */

enum req_kind { REQ_EVENTS, REQ_RESEND };
enum verdict { V_OK, V_RETRY, V_DEAD };

/* One request slot of a target; belongs to the thread. */
struct req {
	struct target	*t;
	CURL		*easy;		/* NULL when free */
	struct curl_slist *hdrs;
	char		*body;
	char		*req_url;	/* dingtalk: signed per request */
	enum req_kind	 kind;
	struct dl_entry	*fold[FOLD_MAX];	/* the entries it carries */
	size_t		 nfold;
	json_t		*batch;		/* alertmanager: records carried */
	unsigned	 epoch;		/* its target's epoch when sent */
	char		 reply[REPLY_MAX];
	size_t		 replylen;
	char		 cerr[CURL_ERROR_SIZE];	/* curl's detail */
	/* an Alertmanager cluster: req[i] goes to member i (urls[i]) */
	int		 member;	/* i > 0: a copy, outside the schedule */
	int		 member_down;	/* its last request failed */
	int		 ok;		/* this one was accepted */
	CURLcode	 res;		/* req[0]: its outcome, kept ... */
	long		 code;		/* ... until every member answered */
	curl_off_t	 after;
};

struct target {
	const struct conf_webhook *w;
	char		*url;		/* where to POST */
	char		**urls;		/* alertmanager: each member's (urls[0]
					   is url); nurl of them */
	size_t		 nurl;
	size_t		 out;		/* members not yet answered */
	struct dl_entries in;		/* new entries, under n->mu */
	size_t		 depth;		/* entries in in and q, under n->mu */
	char		**earlier;	/* outbox names at start (enqueue's) */
	size_t		 nearlier;
	int		 unreadable;	/* outbox scan failed at start */
	/* the rest belongs to the thread */
	struct deliver	 d;		/* the queue and its schedule */
	struct req	*req;		/* nreq slots */
	size_t		 nreq;		/* 1 if folding, else max_inflight */
	int		 folds;		/* several events per request */
	json_t		*active;	/* alertmanager: key -> alert */
	struct timespec	 next_resend;
};

struct pending;

struct notify {
	const struct conf	*c;
	pthread_t		 thr;
	CURLM			*multi;
	struct target		*t;
	size_t			 nt;
	atomic_int		 stop;
	pthread_mutex_t		 pmu;	/* pending; taken before mu */
	struct pending		*pending, **ptail;
	pthread_mutex_t		 mu;	/* each target's in and depth */
	atomic_uint_fast64_t	 sent, retries, dead, digests;
};

/* notify.c */
/* Index of sensor NAME in the config; nsensor if it is not there. */
int	 notify_sensor_index(const struct notify *n, const char *name);
/* Up to MAX entries at T's head into R's fold; the queue length in *WAIT. */
size_t	 notify_take_head(struct notify *n, struct target *t, struct req *r,
	    size_t max, size_t *wait);
/* Parse the K entries E of T into EV; returns how many parsed in a row. */
size_t	 notify_load(struct notify *n, const struct target *t,
	    struct dl_entry *const *e, size_t k, json_t **ev);
void	 notify_free_events(json_t **ev, size_t k);
/* Entry E of T cannot be read or parsed: dead-letter it. */
void	 notify_unreadable(struct notify *n, struct target *t,
	    struct dl_entry *e);
/* The request headers for R's body, carrying the K events EV (or none). */
struct curl_slist *notify_headers(const struct req *r, json_t *const *ev,
	    size_t k);
/* Hand the request in R (body, headers H, URL, fold) to curl. */
void	 notify_launch(struct notify *n, struct req *r, struct curl_slist *h);
/*
 * An Alertmanager cluster: R (req[0], launched) also to every other
 * member, as copies the schedule does not count.
 */
void	 notify_launch_members(struct notify *n, struct req *r);

/*
 * Send what fits of the K events EV (R's fold) in one body of R's
 * format; how many it carries into R->nfold. -1 if EV[0] is no event.
 */
int	 notify_send(struct notify *n, struct req *r, json_t *const *ev,
	    size_t k);

/* enqueue.c */
/* Events held in memory (not yet in every outbox). */
size_t	 notify_held(struct notify *n);
/*
 * The thread has stopped: write what is held, even past max_outbox; log
 * and free what still cannot be written.
 */
void	 notify_held_release(struct notify *n);

/* chat.c */
/* Send the oldest event(s) of a folding chat T; 1: call again. */
int	 chat_kick(struct notify *n, struct target *t);
/* A 2xx from a chat API may still say no, in its body. */
enum verdict chat_verdict(const struct req *r, double *wait, char *why,
	    size_t len);

/* alertmanager.c */
/* Send T's oldest events, or re-send its active alerts when due. */
int	 am_kick(struct notify *n, struct target *t);
/* T's active alerts from an earlier run. */
void	 am_load(struct notify *n, struct target *t);
/* The batch R carried was accepted: update the active set and save it. */
int	 am_accepted(struct notify *n, struct req *r);

#endif
