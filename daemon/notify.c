/*
 * notify.c: the delivery thread. One curl multi handle carries every
 * webhook's requests; each webhook's schedule (deliver.c) says which of
 * its outbox entries may go now, and this file builds the requests (the
 * body in the webhook's format from lib/format.c, headers, signatures),
 * hands them to curl and settles what comes back: 2xx removes the
 * entries, 4xx other than 408/429 dead-letters them, the rest is retried
 * after the backoff. Digests are chat.c's, Alertmanager's alert arrays
 * alertmanager.c's; the outbox writes (the core's thread) enqueue.c's.
 */
#include <curl/curl.h>
#include <openssl/evp.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/format.h"
#include "../lib/hmac.h"
#include "../lib/log.h"
#include "../lib/sign.h"
#include "../lib/outbox.h"
#include "../lib/util.h"
#include "notify.h"
#include "notifyint.h"

#define AM_PATH		"/api/v2/alerts"
#define IDLE_MS		30000	/* the longest sleep of the thread, ms */

int
notify_sensor_index(const struct notify *n, const char *name)
{
	int i = name != NULL ? conf_sensor_find(n->c, name) : -1;

	return i >= 0 ? i : (int)n->c->nsensor;
}

/* Move the entries enqueued since the last call to the end of T's q. */
static void
adopt(struct notify *n, struct target *t)
{
	pthread_mutex_lock(&n->mu);
	deliver_adopt(&t->d, &t->in);
	pthread_mutex_unlock(&n->mu);
}

/* The K entries E are handled (their files are gone): forget them. */
static void
drop(struct notify *n, struct target *t, struct dl_entry *const *e, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		deliver_remove(&t->d, e[i]);
	pthread_mutex_lock(&n->mu);
	t->depth -= k;
	pthread_mutex_unlock(&n->mu);
}

static size_t
on_reply(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct req *r = arg;
	size_t n = size * nmemb, room = REPLY_MAX - 1 - r->replylen;

	memcpy(r->reply + r->replylen, ptr, n < room ? n : room);
	r->replylen += n < room ? n : room;
	r->reply[r->replylen] = '\0';
	return n;
}

/* Idempotency-Key and X-Lakewatch-Event-Ids for the K events EV. */
static struct curl_slist *
id_headers(struct curl_slist *h, json_t *const *ev, size_t k)
{
	char buf[FOLD_MAX * (EVENT_ID_MAX + 1) + 64];
	const char *id;
	size_t i, n;

	id = json_string_value(json_object_get(ev[0], "event_id"));
	if (k == 1)
		snprintf(buf, sizeof(buf), "Idempotency-Key: %s", id);
	else
		snprintf(buf, sizeof(buf), "Idempotency-Key: digest:%s+%zu",
		    id, k - 1);
	h = curl_slist_append(h, buf);
	n = (size_t)snprintf(buf, sizeof(buf), "X-Lakewatch-Event-Ids: ");
	for (i = 0; i < k && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    i ? "," : "", json_string_value(json_object_get(ev[i],
		    "event_id")));
	return curl_slist_append(h, buf);
}

struct curl_slist *
notify_headers(const struct req *r, json_t *const *ev, size_t k)
{
	const struct conf_webhook *w = r->t->w;
	struct curl_slist *h = NULL;
	char buf[256], sig[128];
	long long now = (long long)wall_now();

	h = curl_slist_append(h, "Content-Type: application/json; "
	    "charset=utf-8");
	h = curl_slist_append(h, "Expect:");
	if (ev != NULL)
		h = id_headers(h, ev, k);
	if (w->secret != NULL && (w->format == FMT_JSON ||
	    w->format == FMT_SLACK)) {
		snprintf(buf, sizeof(buf), "X-Lakewatch-Timestamp: %lld", now);
		h = curl_slist_append(h, buf);
		sign_body(w->secret, now, r->body, sig, sizeof(sig));
		snprintf(buf, sizeof(buf), "X-Lakewatch-Signature: %s", sig);
		h = curl_slist_append(h, buf);
	}
	return h;
}

/* Free R's request; its entries stay with it for the caller to settle. */
static void
forget(struct notify *n, struct req *r)
{
	curl_multi_remove_handle(n->multi, r->easy);
	curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->hdrs);
	free(r->body);
	free(r->req_url);
	r->easy = NULL;
	r->hdrs = NULL;
	r->body = NULL;
	r->req_url = NULL;
	if (!r->member)
		deliver_landed(&r->t->d);
}

static void
easy_opts(CURL *e, struct req *r)
{
	const struct conf_webhook *w = r->t->w;

	curl_easy_setopt(e, CURLOPT_URL, r->req_url ? r->req_url : r->t->url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
	sign_curl_opts(e, w);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->cerr);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
}

static void
launch(struct notify *n, struct req *r, struct curl_slist *h)
{
	if ((r->easy = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	r->hdrs = h;
	r->replylen = 0;
	r->reply[0] = '\0';
	r->cerr[0] = '\0';
	r->ok = 0;
	easy_opts(r->easy, r);
	curl_multi_add_handle(n->multi, r->easy);
}

void
notify_launch(struct notify *n, struct req *r, struct curl_slist *h)
{
	struct target *t = r->t;

	r->epoch = deliver_launched(&t->d, r->fold, r->nfold, mono_now());
	t->out = 1;
	launch(n, r, h);
}

void
notify_launch_members(struct notify *n, struct req *r)
{
	struct target *t = r->t;
	struct req *m;
	size_t i;

	for (i = 1; i < t->nurl; i++) {
		m = &t->req[i];
		m->body = xstrdup(r->body);
		m->req_url = xstrdup(t->urls[i]);
		m->kind = r->kind;
		launch(n, m, notify_headers(m, NULL, 0));
	}
	t->out = t->nurl;
}

size_t
notify_take_head(struct notify *n, struct target *t, struct req *r,
    size_t max, size_t *wait)
{
	pthread_mutex_lock(&n->mu);
	*wait = t->depth;
	pthread_mutex_unlock(&n->mu);
	return deliver_head(&t->d, r->fold, max);
}

size_t
notify_load(struct notify *n, const struct target *t,
    struct dl_entry *const *e, size_t k, json_t **ev)
{
	size_t i;
	char *text;

	for (i = 0; i < k; i++) {
		text = outbox_read(n->c->state_dir, t->w->name, e[i]->name);
		ev[i] = text ? json_loads(text, 0, NULL) : NULL;
		free(text);
		if (ev[i] == NULL || !json_is_object(ev[i]) ||
		    json_string_value(json_object_get(ev[i], "event_id")) ==
		    NULL) {
			json_decref(ev[i]);
			break;
		}
	}
	return i;
}

void
notify_free_events(json_t **ev, size_t k)
{
	while (k-- > 0)
		json_decref(ev[k]);
}

/* Move the K entries E of T to the dead-letter folder, saying why. */
static void
bury(struct notify *n, struct target *t, struct dl_entry *const *e, size_t k,
    const char *why)
{
	size_t i;

	for (i = 0; i < k; i++) {
		if (outbox_deadletter(n->c->state_dir, t->w->name, e[i]->name,
		    why) == -1)
			log_warn("webhook '%s': deadletter '%s'", t->w->name,
			    e[i]->name);
		else
			log_warnx("webhook '%s': event '%s' moved to "
			    "%s/deadletter/%s/: %.*s", t->w->name, e[i]->name,
			    n->c->state_dir, t->w->name,
			    (int)strcspn(why, "\n"), why);
	}
	atomic_fetch_add(&n->dead, k);
	drop(n, t, e, k);
}

void
notify_unreadable(struct notify *n, struct target *t, struct dl_entry *e)
{
	bury(n, t, &e, 1, "unreadable: not an event in JSON\n");
}

int
notify_send(struct notify *n, struct req *r, json_t *const *ev, size_t k)
{
	const struct conf_webhook *w = r->t->w;
	struct fmt_opts o = { w->format, w->msgtype == MSG_MARKDOWN,
	    w->secret, (time_t)wall_now(), &w->mention, w->keyword };

	if ((r->body = format_message(ev, k, &o, &r->nfold)) == NULL)
		return -1;
	if (w->format == FMT_DINGTALK && w->secret != NULL &&
	    (r->req_url = sign_dingtalk_url(r->t->url, w->secret,
	    (long long)(wall_now() * 1000))) == NULL)
		fatal("notify");
	r->kind = REQ_EVENTS;
	notify_launch(n, r, notify_headers(r, ev, r->nfold));
	return 0;
}

/*
 * R failed: its entries wait again and go first after the backoff. Only
 * a request sent since the last backoff began extends it; one sent
 * before says nothing new, though its Retry-After is still honoured.
 */
static void
retry_later(struct notify *n, struct req *r, const char *why,
    double retry_after)
{
	struct target *t = r->t;
	int down = t->d.down;
	double wait;

	atomic_fetch_add(&n->retries, 1);
	wait = deliver_failed(&t->d, r->fold, r->nfold, r->epoch, retry_after,
	    jitter01(), mono_now());
	if (wait < 0)
		log_debug("webhook '%s': %s (sent before the backoff)",
		    t->w->name, why);
	else if (!down)
		log_warnx("webhook '%s': %s; retrying in %.1f s", t->w->name,
		    why, wait);
	else
		log_debug("webhook '%s': %s; next try in %.1f s", t->w->name,
		    why, wait);
}

static void
delivered(struct notify *n, struct req *r)
{
	struct target *t = r->t;
	size_t i, k = r->nfold;

	if (r->kind == REQ_EVENTS && r->batch != NULL &&
	    am_accepted(n, r) == -1) {
		retry_later(n, r, "cannot save the active alerts", 0);
		return;
	}
	for (i = 0; i < k; i++)
		outbox_remove(n->c->state_dir, t->w->name, r->fold[i]->name);
	atomic_fetch_add(&n->sent, k);
	if (k > 1 && t->w->format != FMT_ALERTMANAGER)
		atomic_fetch_add(&n->digests, 1);
	if (r->kind == REQ_RESEND)
		t->next_resend = ts_add(mono_now(), t->w->resend);
	if (deliver_ok(&t->d, r->epoch))
		log_info("webhook '%s': delivering again", t->w->name);
	drop(n, t, r->fold, k);
}

static void
finish_ok(struct notify *n, struct req *r)
{
	char why[REPLY_MAX + 64];
	double wait;

	switch (chat_verdict(r, &wait, why, sizeof(why))) {
	case V_OK:
		delivered(n, r);
		break;
	case V_RETRY:
		retry_later(n, r, why, wait);
		break;
	case V_DEAD:
		strncat(why, "\n", sizeof(why) - strlen(why) - 1);
		bury(n, r->t, r->fold, r->nfold, why);
		break;
	}
}

/* A member of a cluster answered: say so when it fails or is back. */
static void
member_note(struct req *r, CURLcode rc, long code)
{
	const struct target *t = r->t;
	const char *url = t->urls[r - t->req];

	if (!r->ok && !r->member_down && rc != CURLE_OK)
		log_warnx("webhook '%s': member %s: %s", t->w->name, url,
		    r->cerr[0] ? r->cerr : curl_easy_strerror(rc));
	else if (!r->ok && !r->member_down)
		log_warnx("webhook '%s': member %s: HTTP %ld", t->w->name,
		    url, code);
	else if (r->ok && r->member_down)
		log_info("webhook '%s': member %s takes alerts again",
		    t->w->name, url);
	r->member_down = !r->ok;
}

/*
 * A member of an Alertmanager cluster answered R. NULL while others are
 * out; then req[0], which carries the batch, with the outcome of all: as
 * accepted if any member took it, else req[0]'s own.
 */
static struct req *
member_done(struct notify *n, struct req *r, CURLcode *rc, long *code,
    curl_off_t *after)
{
	struct target *t = r->t;
	struct req *p = &t->req[0];
	size_t i;
	int any = 0;

	r->ok = *rc == CURLE_OK && *code >= 200 && *code < 300;
	member_note(r, *rc, *code);
	r->res = *rc;
	r->code = *code;
	r->after = *after;
	if (r->member)
		forget(n, r);
	if (--t->out > 0)
		return NULL;
	for (i = 0; i < t->nurl; i++)
		any |= t->req[i].ok;
	*rc = any ? CURLE_OK : p->res;
	*code = any ? 200 : p->code;
	*after = any ? 0 : p->after;
	return p;
}

/* Curl is done with R: deliver, retry or dead-letter what it carried. */
static void
finish(struct notify *n, struct req *r, CURLcode rc)
{
	curl_off_t after = 0;
	long code = 0;
	char why[REPLY_MAX + 64];

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &after);
	if (r->t->nurl > 1 && (r = member_done(n, r, &rc, &code, &after)) ==
	    NULL)
		return;
	forget(n, r);
	if (rc != CURLE_OK) {
		snprintf(why, sizeof(why), "%s", r->cerr[0] ? r->cerr :
		    curl_easy_strerror(rc));
		retry_later(n, r, why, 0);
	} else if (code >= 200 && code < 300) {
		finish_ok(n, r);
	} else if (code >= 400 && code < 500 && code != 408 && code != 429 &&
	    r->kind == REQ_EVENTS) {
		snprintf(why, sizeof(why), "HTTP %ld: %s\n", code, r->reply);
		bury(n, r->t, r->fold, r->nfold, why);
	} else {
		snprintf(why, sizeof(why), "HTTP %ld", code);
		retry_later(n, r, why, (double)after);
	}
	json_decref(r->batch);
	r->batch = NULL;
	r->nfold = 0;
}

/* A folding target T: start its next request if idle; 1: call again. */
static int
kick_serial(struct notify *n, struct target *t)
{
	if (!deliver_ready(&t->d, mono_now()))
		return 0;
	return t->w->format == FMT_ALERTMANAGER ? am_kick(n, t) :
	    chat_kick(n, t);
}

/* Send entry E of T alone, in a free slot (there must be one). */
static void
send_entry(struct notify *n, struct target *t, struct dl_entry *e)
{
	struct req *r = t->req;
	json_t *ev;

	while (r->easy != NULL)
		r++;
	r->fold[0] = e;
	if (notify_load(n, t, &e, 1, &ev) == 0) {
		notify_unreadable(n, t, e);
		return;
	}
	if (e->sensor < 0)
		e->sensor = notify_sensor_index(n, json_string_value(
		    json_object_get(ev, "sensor")));
	if (notify_send(n, r, &ev, 1) == -1)
		notify_unreadable(n, t, e);
	json_decref(ev);
}

/* Read entry E to learn its sensor; if it cannot be read, bury it. */
static void
sense(struct notify *n, struct target *t, struct dl_entry *e)
{
	json_t *ev;

	if (notify_load(n, t, &e, 1, &ev) == 0) {
		notify_unreadable(n, t, e);
		return;
	}
	e->sensor = notify_sensor_index(n, json_string_value(json_object_get(ev,
	    "sensor")));
	json_decref(ev);
}

/*
 * Send what T's schedule lets go now, one event a request. The loop ends
 * as each pick fills a slot, learns a sensor or buries an unreadable
 * entry; the schedule says DL_NONE when no slot or entry is left.
 */
static void
kick_parallel(struct notify *n, struct target *t, struct timespec now)
{
	struct dl_entry *e;
	enum dl_pick p;

	while ((p = deliver_pick(&t->d, now, &e)) != DL_NONE) {
		if (p == DL_SENSE)
			sense(n, t, e);
		else
			send_entry(n, t, e);	/* may free e */
	}
}

/* Start what T may send now. */
static void
kick(struct notify *n, struct target *t)
{
	struct timespec now = mono_now();
	size_t again;

	adopt(n, t);
	if (!t->folds) {
		kick_parallel(n, t, now);
		return;
	}
	for (again = 0; again < 1000 && kick_serial(n, t); again++)
		;
}

/*
 * How long the thread may sleep: until a retry or resend is due. New
 * events wake it (curl_multi_wakeup), curl shortens the wait for its own
 * time-outs, so an idle thread sleeps long: a quiet station's webhooks
 * cost no wake-up a second.
 */
static long
poll_ms(struct notify *n)
{
	struct timespec now = mono_now();
	const struct target *t;
	double ms = IDLE_MS, d, s;
	size_t i;

	for (i = 0; i < n->nt; i++) {
		t = &n->t[i];
		if (!deliver_wait(&t->d, now, &s))
			continue;
		if ((d = s * 1000) > 0 && d < ms)
			ms = d;
		if (t->active != NULL && json_object_size(t->active) > 0 &&
		    (d = ts_diff(t->next_resend, now) * 1000) > 0 && d < ms)
			ms = d;
	}
	return (long)ms + 1;
}

/* Handle the requests curl has finished; returns how many. */
static int
reap(struct notify *n)
{
	struct req *r;
	CURLMsg *m;
	int left, done = 0;

	while ((m = curl_multi_info_read(n->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&r);
		finish(n, r, m->data.result);
		done++;
	}
	return done;
}

static void *
run(void *arg)
{
	struct notify *n = arg;
	size_t i, j;
	int running;

	pthread_setname_np(pthread_self(), "lw-notify");

	while (!atomic_load(&n->stop)) {
		/*
		 * The answers that came while this thread waited for a CPU
		 * first: a failure among them starts its backoff before
		 * anything new is sent (under valgrind, 150 ms late, two
		 * events went out in the backoff of a 500 already answered).
		 */
		curl_multi_perform(n->multi, &running);
		reap(n);
		for (i = 0; i < n->nt; i++)
			kick(n, &n->t[i]);
		curl_multi_perform(n->multi, &running);
		if (reap(n) > 0)
			continue;	/* a slot is free: its next one now */
		curl_multi_poll(n->multi, NULL, 0, (int)poll_ms(n), NULL);
	}
	/* abandoned: what they carried stays in the outbox */
	for (i = 0; i < n->nt; i++)
		for (j = 0; j < n->t[i].nreq; j++)
			if (n->t[i].req[j].easy != NULL)
				forget(n, &n->t[i].req[j]);
	return NULL;
}

/*
 * T's queue: the entries left in its outbox by an earlier run. An outbox
 * that cannot be read is reported and left for a later reload or
 * restart; new events are still written and sent, the other webhooks
 * go on (a reload must never end the daemon).
 */
static void
target_queue(struct notify *n, struct target *t)
{
	const char *dir = n->c->state_dir, *name = t->w->name;
	struct dl_entry *e;
	char **v;
	size_t i, k, dead;

	TAILQ_INIT(&t->in);
	if (outbox_scan(dir, name, &v, &k) == -1) {
		log_warn("webhook '%s': outbox %s/outbox/%s cannot be read; "
		    "what waits there is not sent before a reload or restart",
		    name, dir, name);
		t->unreadable = 1;
		return;
	}
	for (i = 0; i < k; i++) {
		e = dl_entry_new(v[i], -1);
		TAILQ_INSERT_TAIL(&t->in, e, link);
	}
	t->earlier = v;
	t->nearlier = k;
	t->depth = k;
	if (k > 0)
		log_info("webhook '%s': %zu events in the outbox to "
		    "deliver", name, k);
	if ((dead = outbox_dead_count(dir, name)) > 0)
		log_warnx("webhook '%s': %zu events in %s/deadletter/%s/ "
		    "(refused earlier)", name, dead, dir, name);
}

/* An Alertmanager's alerts endpoint from its base URL U (LEN bytes). */
static char *
am_url(const char *u, size_t len)
{
	char *url;

	len = strcspn(u, "?#") < len ? strcspn(u, "?#") : len;
	while (len > 0 && u[len - 1] == '/')
		len--;
	if ((url = malloc(len + sizeof(AM_PATH))) == NULL)
		fatal("notify");
	memcpy(url, u, len);
	memcpy(url + len, AM_PATH, sizeof(AM_PATH));
	return url;
}

/* T's URLs: an Alertmanager's url may list a cluster's members. */
static void
target_urls(struct target *t, const struct conf_webhook *w)
{
	const char *u = w->url, *sp = " \t";
	size_t len;

	if ((t->urls = calloc(strlen(u) / 2 + 2, sizeof(*t->urls))) == NULL)
		fatal("notify");
	if (w->format != FMT_ALERTMANAGER) {
		t->urls[t->nurl++] = xstrdup(u);
	} else {
		for (u += strspn(u, sp); *u != '\0'; u += strspn(u, sp)) {
			len = strcspn(u, sp);
			t->urls[t->nurl++] = am_url(u, len);
			u += len;
		}
	}
	t->url = t->urls[0];
}

/* T's URL, its request slots, its queue, its active alerts. */
static void
target_init(struct notify *n, struct target *t, const struct conf_webhook *w)
{
	size_t i;

	t->w = w;
	t->next_resend = mono_now();
	target_urls(t, w);
	/* a digest or an alert array is one request at a time (a copy of
	   it to each further member of an Alertmanager cluster) */
	t->folds = w->format == FMT_ALERTMANAGER ||
	    (w->format != FMT_JSON && w->rate_limit > 0);
	t->nreq = t->folds ? 1 : (size_t)w->max_inflight;
	deliver_init(&t->d, t->nreq, n->c->nsensor, w->rate_limit,
	    w->rate_window, t->next_resend);
	if (t->nurl > 1)
		t->nreq = t->nurl;
	if ((t->req = calloc(t->nreq, sizeof(*t->req))) == NULL)
		fatal("notify");
	for (i = 0; i < t->nreq; i++) {
		t->req[i].t = t;
		t->req[i].member = t->nurl > 1 && i > 0;
	}
	target_queue(n, t);
	if (w->format == FMT_ALERTMANAGER)
		am_load(n, t);
}

static void
log_orphan(const char *name, size_t k, void *arg)
{
	(void)arg;
	log_warnx("outbox '%s': %zu event%s for a webhook no longer in the "
	    "config; see lakewatch deadletter", name, k, k == 1 ? "" : "s");
}

struct notify *
notify_start(const struct conf *c)
{
	struct notify *n;
	size_t i, slots = 0;

	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (n->t = calloc(c->nwebhook + 1, sizeof(*n->t))) == NULL)
		fatal("notify");
	n->c = c;
	n->nt = c->nwebhook;
	n->ptail = &n->pending;
	pthread_mutex_init(&n->pmu, NULL);
	pthread_mutex_init(&n->mu, NULL);
	for (i = 0; i < n->nt; i++) {
		target_init(n, &n->t[i], &c->webhooks[i]);
		slots += n->t[i].nreq;
	}
	/* once per start or reload: events no target of C will send */
	(void)outbox_orphans(c->state_dir, c, log_orphan, NULL);
	if ((n->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	/* keep a connection per slot alive between bursts (curl's default
	   shrinks with the handles in use) */
	curl_multi_setopt(n->multi, CURLMOPT_MAXCONNECTS, (long)slots + 1);
	if (pthread_create(&n->thr, NULL, run, n) != 0)
		fatal("notify thread");
	return n;
}

/* T's queues, slots and state; the thread has stopped. */
static void
target_free(struct target *t)
{
	size_t i;

	deliver_release(&t->d);
	dl_entries_free(&t->in);
	for (i = 0; i < t->nearlier; i++)
		free(t->earlier[i]);
	free(t->earlier);
	for (i = 0; i < t->nreq; i++)
		json_decref(t->req[i].batch);
	free(t->req);
	json_decref(t->active);
	for (i = 0; i < t->nurl; i++)
		free(t->urls[i]);
	free(t->urls);
}

void
notify_stop(struct notify *n)
{
	size_t i;

	if (n == NULL)
		return;
	atomic_store(&n->stop, 1);
	curl_multi_wakeup(n->multi);
	pthread_join(n->thr, NULL);
	curl_multi_cleanup(n->multi);
	n->multi = NULL;
	notify_held_release(n);
	for (i = 0; i < n->nt; i++)
		target_free(&n->t[i]);
	pthread_mutex_destroy(&n->mu);
	pthread_mutex_destroy(&n->pmu);
	free(n->t);
	free(n);
}

void
notify_stats(struct notify *n, struct notify_stats *st)
{
	size_t i;

	st->sent = atomic_load(&n->sent);
	st->retries = atomic_load(&n->retries);
	st->dead = atomic_load(&n->dead);
	st->digests = atomic_load(&n->digests);
	st->depth = 0;
	st->pending = notify_held(n);
	pthread_mutex_lock(&n->mu);
	for (i = 0; i < n->nt; i++)
		st->depth += n->t[i].depth;
	pthread_mutex_unlock(&n->mu);
	st->unreadable = 0;
	for (i = 0; i < n->nt; i++)
		st->unreadable += n->t[i].unreadable;
}
