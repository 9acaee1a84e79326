/*
 * enqueue.c: the core's side of delivery. notify_enqueue_many writes a
 * core pass's events to the outbox of every webhook as one batch
 * (fsync'd together) and hands the new entries to the delivery thread
 * under n->mu. An event that some outbox cannot take (a write error, or
 * max_outbox reached) is held in memory for those webhooks, in order,
 * and written by notify_retry_pending or a later enqueue; at stop what
 * still cannot be written is logged as lost.
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

/* 1 if event ID is in target T's outbox since the last run */
static int
earlier(const struct target *t, const char *id)
{
	size_t j;

	/*
	 * a kill between the outbox write and the state save makes the
	 * restarted daemon judge the same transition again: its event is
	 * in the outbox already, under the same id
	 */
	for (j = 0; j < t->nearlier; j++)
		if (outbox_holds(t->earlier[j], id)) {
			log_debug("event '%s': in the outbox since the last "
			    "run", id);
			return 1;
		}
	return 0;
}

/*
 * Write the events EV[W[0..K)] (texts TEXT) for target I as one batch;
 * returns how many, from the first, are in its outbox (the rest: ERR).
 */
static size_t
put_target(struct notify *n, size_t i, const struct event *ev,
    char *const *text, const size_t *w, size_t k, int force,
    char err[LW_ERRLEN])
{
	struct target *t = &n->t[i];
	char (*names)[OUTBOX_NAME_MAX];
	const char **ids, **texts;
	struct dl_entry *e;
	size_t len, j, m, room;

	pthread_mutex_lock(&n->mu);
	len = t->depth;
	pthread_mutex_unlock(&n->mu);
	room = len < (size_t)t->w->max_outbox ? t->w->max_outbox - len : 0;
	if (!force && k > room) {
		snprintf(err, LW_ERRLEN, "webhook '%s': outbox full (%zu "
		    "events waiting, max_outbox %d)", t->w->name, len + room,
		    t->w->max_outbox);
		k = room;
	}
	if (k == 0)
		return 0;
	names = calloc(k, sizeof(*names));
	ids = calloc(k, sizeof(*ids));
	texts = calloc(k, sizeof(*texts));
	if (names == NULL || ids == NULL || texts == NULL)
		fatal("notify");
	for (j = 0; j < k; j++) {
		ids[j] = ev[w[j]].id;
		texts[j] = text[w[j]];
	}
	m = outbox_add_many(n->c->state_dir, t->w->name, ids, texts, k,
	    names, err);
	pthread_mutex_lock(&n->mu);
	for (j = 0; j < m; j++) {
		e = dl_entry_new(names[j], notify_sensor_index(n,
		    ev[w[j]].sensor));
		TAILQ_INSERT_TAIL(&t->in, e, link);
		t->depth++;
	}
	pthread_mutex_unlock(&n->mu);
	free(names);
	free(ids);
	free(texts);
	return m;
}

/* EV as its outbox text (malloc'd), or NULL with ERR. */
static char *
event_text(struct notify *n, const struct event *ev, char err[LW_ERRLEN])
{
	json_t *j = format_event_record(ev);
	char *text;

	/* stations that share receivers tell theirs apart by it */
	if (j != NULL && n->c->station != NULL)
		json_object_set_new(j, "station", json_string(n->c->station));
	text = j ? format_dump(j) : NULL;
	json_decref(j);
	if (text == NULL)
		snprintf(err, LW_ERRLEN, "event '%s' cannot be put in JSON",
		    ev->id);
	return text;
}

/*
 * Write EV[0..K) for the targets in TODO[j] (a mask each), each target's
 * in order as one batch, stopping at its first failure; clears the bits
 * of those written. Returns how many events still have bits set.
 */
static size_t
put(struct notify *n, const struct event *ev, uint64_t *todo, size_t k,
    int force, char err[LW_ERRLEN])
{
	char **text;
	size_t *w, i, j, nw, m, left = 0;

	if ((text = calloc(k, sizeof(*text))) == NULL ||
	    (w = calloc(k, sizeof(*w))) == NULL)
		fatal("notify");
	for (j = 0; j < k; j++)
		if (todo[j] != 0)
			text[j] = event_text(n, &ev[j], err);
	for (i = 0; i < n->nt; i++) {
		for (nw = 0, j = 0; j < k; j++) {
			if (!(todo[j] & (1ULL << i)))
				continue;
			if (text[j] == NULL)
				break;	/* it and those after it wait */
			if (earlier(&n->t[i], ev[j].id))
				todo[j] &= ~(1ULL << i);
			else
				w[nw++] = j;
		}
		m = put_target(n, i, ev, text, w, nw, force, err);
		for (j = 0; j < m; j++)
			todo[w[j]] &= ~(1ULL << i);
	}
	for (j = 0; j < k; j++) {
		free(text[j]);
		if (todo[j] != 0)
			left++;
	}
	free(text);
	free(w);
	curl_multi_wakeup(n->multi);
	return left;
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
			put(n, &p->ev, &todo, 1, force, err);
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

size_t
notify_enqueue_many(struct notify *n, const struct event *ev, size_t k,
    char err[LW_ERRLEN])
{
	uint64_t all = n->nt >= 64 ? ~0ULL : (1ULL << n->nt) - 1, b, *todo;
	struct pending *p;
	size_t j, left = 0;

	if (k == 0)
		return 0;
	if ((todo = calloc(k, sizeof(*todo))) == NULL)
		fatal("notify");
	pthread_mutex_lock(&n->pmu);
	if (n->pending != NULL)
		flush_pending(n, 0);
	b = blocked(n) & all;
	for (j = 0; j < k; j++)
		todo[j] = all & ~b;
	/* ERR says why events stay: put's failure, or the held ones ahead */
	if (((all & ~b) == 0 || put(n, ev, todo, k, 0, err) == 0) && b != 0)
		held_err(n, b, err);
	for (j = 0; j < k; j++) {
		if ((todo[j] |= b) == 0)
			continue;
		if ((p = calloc(1, sizeof(*p))) == NULL)
			fatal("notify");
		p->ev = ev[j];
		p->todo = todo[j];
		*n->ptail = p;
		n->ptail = &p->next;
		left++;
	}
	pthread_mutex_unlock(&n->pmu);
	free(todo);
	return left;
}

int
notify_enqueue(struct notify *n, const struct event *ev, char err[LW_ERRLEN])
{
	return notify_enqueue_many(n, ev, 1, err) == 0 ? 0 : -1;
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
