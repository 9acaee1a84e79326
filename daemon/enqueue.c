/*
 * enqueue.c: the core's side of delivery. notify_enqueue writes an event
 * to the outbox of every webhook (fsync'd) and hands the new entries to
 * the delivery thread under n->mu. An event that some outbox cannot take
 * (a write error, or max_outbox reached) is held in memory for those
 * webhooks, in order, and written by notify_retry_pending or a later
 * enqueue; at stop what still cannot be written is logged as lost.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/format.h"
#include "../lib/log.h"
#include "../lib/outbox.h"
#include "notify.h"
#include "notifyint.h"

/* events whose outbox write failed or found the outbox full */
struct pending {
	struct event	 ev;
	uint64_t	 todo;		/* bit per target still to write */
	struct pending	*next;
};

/* Write TEXT, event ID of sensor S, for target I; 0, or -1 with err. */
static int
put_one(struct notify *n, size_t i, const char *text, const char *id,
    int s, int force, char err[LW_ERRLEN])
{
	struct target *t = &n->t[i];
	char name[OUTBOX_NAME_MAX];
	struct dl_entry *e;
	size_t len, j;

	/*
	 * a kill between the outbox write and the state save makes the
	 * restarted daemon judge the same transition again: its event is
	 * in the outbox already, under the same id
	 */
	for (j = 0; j < t->nearlier; j++)
		if (outbox_holds(t->earlier[j], id)) {
			log_debug("event '%s': in the outbox since the last "
			    "run", id);
			return 0;
		}
	pthread_mutex_lock(&n->mu);
	len = t->depth;
	pthread_mutex_unlock(&n->mu);
	if (!force && len >= (size_t)t->w->max_outbox) {
		snprintf(err, LW_ERRLEN, "webhook '%s': outbox full (%zu "
		    "events waiting, max_outbox %d)", t->w->name, len,
		    t->w->max_outbox);
		return -1;
	}
	if (outbox_add(n->c->state_dir, t->w->name, id, text, name,
	    err) == -1)
		return -1;
	e = dl_entry_new(name, s);
	pthread_mutex_lock(&n->mu);
	TAILQ_INSERT_TAIL(&t->in, e, link);
	t->depth++;
	pthread_mutex_unlock(&n->mu);
	return 0;
}

/* Write EV for the targets in *TODO; clears the bits of those written. */
static int
put(struct notify *n, const struct event *ev, uint64_t *todo, int force,
    char err[LW_ERRLEN])
{
	json_t *j = format_event_record(ev);
	char *text;
	int s = notify_sensor_index(n, ev->sensor);
	size_t i;

	/* stations that share receivers tell theirs apart by it */
	if (j != NULL && n->c->station != NULL)
		json_object_set_new(j, "station", json_string(n->c->station));
	text = j ? format_dump(j) : NULL;
	json_decref(j);
	if (text == NULL) {
		snprintf(err, LW_ERRLEN, "event '%s' cannot be put in JSON",
		    ev->id);
		return -1;
	}
	for (i = 0; i < n->nt; i++)
		if ((*todo & (1ULL << i)) &&
		    put_one(n, i, text, ev->id, s, force, err) == 0)
			*todo &= ~(1ULL << i);
	free(text);
	curl_multi_wakeup(n->multi);
	return *todo == 0 ? 0 : -1;
}

/* Targets that still have events held in memory (n->pmu held). */
static uint64_t
blocked(const struct notify *n)
{
	const struct pending *p;
	uint64_t b = 0;

	for (p = n->pending; p != NULL; p = p->next)
		b |= p->todo;
	return b;
}

/* Write held events in order, each target stopping at its first failure */
static size_t
flush_pending(struct notify *n, int force)
{
	struct pending *p, **pp = &n->pending;
	uint64_t stuck = 0, todo;
	char err[LW_ERRLEN];
	size_t left = 0;

	while ((p = *pp) != NULL) {
		todo = p->todo & ~stuck;
		if (todo != 0)
			put(n, &p->ev, &todo, force, err);
		p->todo = (p->todo & stuck) | todo;
		stuck |= p->todo;
		if (p->todo == 0) {
			*pp = p->next;
			free(p);
			continue;
		}
		left++;
		pp = &p->next;
	}
	n->ptail = pp;
	return left;
}

/* ERR: which webhook still holds earlier events (of mask B). */
static void
held_err(const struct notify *n, uint64_t b, char err[LW_ERRLEN])
{
	size_t i;

	for (i = 0; i < n->nt && !(b & (1ULL << i)); i++)
		;
	snprintf(err, LW_ERRLEN, "webhook '%s': earlier events are still "
	    "held in memory; this one waits behind them",
	    i < n->nt ? n->t[i].w->name : "?");
}

int
notify_enqueue(struct notify *n, const struct event *ev, char err[LW_ERRLEN])
{
	uint64_t all = n->nt >= 64 ? ~0ULL : (1ULL << n->nt) - 1, todo, b;
	struct pending *p;
	int rc = 0;

	pthread_mutex_lock(&n->pmu);
	if (n->pending != NULL)
		flush_pending(n, 0);
	b = blocked(n) & all;
	todo = all & ~b;
	if (todo != 0)
		rc = put(n, ev, &todo, 0, err);
	if (rc == 0 && b != 0)
		held_err(n, b, err);
	todo |= b;
	if (todo != 0) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			fatal("notify");
		p->ev = *ev;
		p->todo = todo;
		*n->ptail = p;
		n->ptail = &p->next;
	}
	pthread_mutex_unlock(&n->pmu);
	return todo == 0 ? 0 : -1;
}

size_t
notify_retry_pending(struct notify *n)
{
	size_t left;

	pthread_mutex_lock(&n->pmu);
	left = n->pending != NULL ? flush_pending(n, 0) : 0;
	pthread_mutex_unlock(&n->pmu);
	return left;
}

size_t
notify_held(struct notify *n)
{
	const struct pending *p;
	size_t k = 0;

	pthread_mutex_lock(&n->pmu);
	for (p = n->pending; p != NULL; p = p->next)
		k++;
	pthread_mutex_unlock(&n->pmu);
	return k;
}

void
notify_held_release(struct notify *n)
{
	struct pending *p;

	flush_pending(n, 1);
	while ((p = n->pending) != NULL) {
		n->pending = p->next;
		log_warnx("event '%s' could not be written to the outbox and "
		    "is lost at exit", p->ev.id);
		free(p);
	}
}
