/* notify.c: one thread, curl multi, one request in flight per webhook */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "util.h"

#define BACKOFF_MIN	1.0
#define BACKOFF_MAX	300.0
#define REPLY_MAX	512

struct target {
	const struct conf_webhook *w;
	CURL			*easy;		/* NULL when idle */
	struct curl_slist	*hdrs;
	char			*body;
	char			 name[OUTBOX_NAME_MAX];	/* in flight */
	char			 reply[REPLY_MAX];
	size_t			 replylen;
	struct timespec		 next_try;
	int			 attempts;
	int			 down;		/* failure logged */
	atomic_size_t		 depth;
};

/* events whose outbox write failed; written again later */
struct pending {
	struct event	 ev;
	uint64_t	 todo;		/* bit per target still to write */
	struct pending	*next;
};

struct notify {
	const struct conf	*c;
	pthread_t		 thr;
	CURLM			*multi;
	struct target		*t;
	size_t			 nt;
	atomic_int		 stop;
	pthread_mutex_t		 mu;		/* pending */
	struct pending		*pending;
	atomic_uint_fast64_t	 sent, retries, dead;
};

void
notify_sign(const char *secret, long long ts, const char *body, char *out,
    size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	char *msg;
	size_t n;

	n = strlen(body) + 32;
	if ((msg = malloc(n)) == NULL)
		fatal("notify");
	snprintf(msg, n, "%lld.%s", ts, body);
	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)msg, strlen(msg), md, &mdlen);
	free(msg);
	n = (size_t)snprintf(out, len, "sha256=");
	for (i = 0; i < mdlen && n + 2 < len; i++, n += 2)
		snprintf(out + n, len - n, "%02x", md[i]);
}

static size_t
on_reply(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct target *t = arg;
	size_t n = size * nmemb, room = REPLY_MAX - 1 - t->replylen;

	memcpy(t->reply + t->replylen, ptr, n < room ? n : room);
	t->replylen += n < room ? n : room;
	t->reply[t->replylen] = '\0';
	return n;
}

static struct curl_slist *
headers(const struct target *t, const char *event_id)
{
	struct curl_slist *h = NULL;
	char buf[256], sig[128];
	long long now = (long long)wall_now();

	h = curl_slist_append(h, "Content-Type: application/json; "
	    "charset=utf-8");
	h = curl_slist_append(h, "Expect:");
	snprintf(buf, sizeof(buf), "Idempotency-Key: %s", event_id);
	h = curl_slist_append(h, buf);
	if (t->w->secret != NULL) {
		snprintf(buf, sizeof(buf), "X-Lakewatch-Timestamp: %lld", now);
		h = curl_slist_append(h, buf);
		notify_sign(t->w->secret, now, t->body, sig, sizeof(sig));
		snprintf(buf, sizeof(buf), "X-Lakewatch-Signature: %s", sig);
		h = curl_slist_append(h, buf);
	}
	return h;
}

static void
forget(struct notify *n, struct target *t)
{
	curl_multi_remove_handle(n->multi, t->easy);
	curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->hdrs);
	free(t->body);
	t->easy = NULL;
	t->hdrs = NULL;
	t->body = NULL;
}

/* Take the oldest event of T out of its outbox file and send it. */
static void
start(struct notify *n, struct target *t)
{
	const char *dir = n->c->state_dir, *id;
	json_t *ev;
	char *text;

	if (!outbox_oldest(dir, t->w->name, t->name, sizeof(t->name)))
		return;
	text = outbox_read(dir, t->w->name, t->name);
	ev = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	t->body = ev ? format_payload(ev, t->w->format, t->w->secret,
	    (time_t)wall_now()) : NULL;
	if (t->body == NULL) {
		log_warnx("webhook '%s': outbox entry '%s' is unreadable; "
		    "moved to deadletter", t->w->name, t->name);
		outbox_deadletter(dir, t->w->name, t->name, "unreadable\n");
		atomic_fetch_sub(&t->depth, 1);
		json_decref(ev);
		return;
	}
	id = json_string_value(json_object_get(ev, "event_id"));
	t->hdrs = headers(t, id);
	json_decref(ev);
	t->replylen = 0;
	t->reply[0] = '\0';
	t->easy = curl_easy_init();
	curl_easy_setopt(t->easy, CURLOPT_URL, t->w->url);
	curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->body);
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->hdrs);
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS,
	    (long)(t->w->timeout * 1000));
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(t->easy, CURLOPT_USERAGENT, "lakewatch/"
	    LW_VERSION);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	curl_multi_add_handle(n->multi, t->easy);
}

static void
retry_later(struct notify *n, struct target *t, const char *why,
    double retry_after)
{
	double wait = BACKOFF_MIN * pow(2, t->attempts);

	if (wait > BACKOFF_MAX)
		wait = BACKOFF_MAX;
	wait *= 0.5 + jitter01() / 2;
	if (retry_after > wait)
		wait = retry_after;
	t->attempts++;
	t->next_try = ts_add(mono_now(), wait);
	atomic_fetch_add(&n->retries, 1);
	if (!t->down)
		log_warnx("webhook '%s': %s; retrying (%zu waiting)",
		    t->w->name, why, (size_t)atomic_load(&t->depth));
	else
		log_debug("webhook '%s': %s; next try in %.1f s", t->w->name,
		    why, wait);
	t->down = 1;
}

static void
finish(struct notify *n, struct target *t, CURLcode rc)
{
	const char *dir = n->c->state_dir;
	curl_off_t after = 0;
	long code = 0;
	char why[REPLY_MAX + 64];

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(t->easy, CURLINFO_RETRY_AFTER, &after);
	forget(n, t);
	if (rc != CURLE_OK) {
		snprintf(why, sizeof(why), "%s", curl_easy_strerror(rc));
		retry_later(n, t, why, 0);
	} else if (code >= 200 && code < 300) {
		outbox_remove(dir, t->w->name, t->name);
		atomic_fetch_sub(&t->depth, 1);
		atomic_fetch_add(&n->sent, 1);
		if (t->down)
			log_info("webhook '%s': delivering again", t->w->name);
		t->down = 0;
		t->attempts = 0;
	} else if (code >= 400 && code < 500 && code != 408 && code != 429) {
		snprintf(why, sizeof(why), "HTTP %ld: %s\n", code, t->reply);
		log_warnx("webhook '%s': refused '%s' (HTTP %ld); moved to "
		    "deadletter", t->w->name, t->name, code);
		outbox_deadletter(dir, t->w->name, t->name, why);
		atomic_fetch_sub(&t->depth, 1);
		atomic_fetch_add(&n->dead, 1);
	} else {
		snprintf(why, sizeof(why), "HTTP %ld", code);
		retry_later(n, t, why, (double)after);
	}
}

static long
poll_ms(struct notify *n)
{
	struct timespec now = mono_now();
	double ms = 1000, d;
	size_t i;

	for (i = 0; i < n->nt; i++)
		if (n->t[i].easy == NULL &&
		    (d = ts_diff(n->t[i].next_try, now) * 1000) < ms)
			ms = d < 0 ? 0 : d;
	return (long)ms + 1;
}

static void *
run(void *arg)
{
	struct notify *n = arg;
	struct timespec now;
	CURLMsg *m;
	size_t i;
	int running, left;

	while (!atomic_load(&n->stop)) {
		now = mono_now();
		for (i = 0; i < n->nt; i++)
			if (n->t[i].easy == NULL &&
			    ts_diff(now, n->t[i].next_try) >= 0)
				start(n, &n->t[i]);
		curl_multi_perform(n->multi, &running);
		while ((m = curl_multi_info_read(n->multi, &left)) != NULL) {
			struct target *t;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&t);
			finish(n, t, m->data.result);
		}
		curl_multi_poll(n->multi, NULL, 0, (int)poll_ms(n), NULL);
	}
	for (i = 0; i < n->nt; i++)
		if (n->t[i].easy != NULL)
			forget(n, &n->t[i]);
	return NULL;
}

struct notify *
notify_start(const struct conf *c)
{
	struct notify *n;
	size_t i;

	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (n->t = calloc(c->nwebhook + 1, sizeof(*n->t))) == NULL)
		fatal("notify");
	n->c = c;
	n->nt = c->nwebhook;
	pthread_mutex_init(&n->mu, NULL);
	for (i = 0; i < n->nt; i++) {
		n->t[i].w = &c->webhooks[i];
		n->t[i].next_try = mono_now();
		atomic_store(&n->t[i].depth,
		    outbox_count(c->state_dir, c->webhooks[i].name));
		if (n->t[i].depth > 0)
			log_info("webhook '%s': %zu events from an earlier run "
			    "to deliver", c->webhooks[i].name,
			    (size_t)n->t[i].depth);
	}
	if ((n->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	if (pthread_create(&n->thr, NULL, run, n) != 0)
		fatal("notify thread");
	return n;
}

void
notify_stop(struct notify *n)
{
	struct pending *p;

	if (n == NULL)
		return;
	atomic_store(&n->stop, 1);
	curl_multi_wakeup(n->multi);
	pthread_join(n->thr, NULL);
	curl_multi_cleanup(n->multi);
	while ((p = n->pending) != NULL) {
		n->pending = p->next;
		log_warnx("event '%s' could not be written to the outbox and "
		    "is lost at exit", p->ev.id);
		free(p);
	}
	pthread_mutex_destroy(&n->mu);
	free(n->t);
	free(n);
}

/* Write EV for the targets in *TODO; clears the bits of those written. */
static int
put(struct notify *n, const struct event *ev, uint64_t *todo,
    char err[LW_ERRLEN])
{
	json_t *j = format_event_json(ev);
	char *text = format_dump(j);
	size_t i;

	json_decref(j);
	for (i = 0; i < n->nt; i++) {
		if (!(*todo & (1ULL << i)) || outbox_put(n->c->state_dir,
		    n->t[i].w->name, ev->id, text, err) == -1)
			continue;
		*todo &= ~(1ULL << i);
		atomic_fetch_add(&n->t[i].depth, 1);
	}
	free(text);
	curl_multi_wakeup(n->multi);
	return *todo == 0 ? 0 : -1;
}

int
notify_enqueue(struct notify *n, const struct event *ev, char err[LW_ERRLEN])
{
	struct pending *p;
	uint64_t todo = n->nt >= 64 ? ~0ULL : (1ULL << n->nt) - 1;

	if (put(n, ev, &todo, err) == 0)
		return 0;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("notify");
	p->ev = *ev;
	p->todo = todo;
	pthread_mutex_lock(&n->mu);
	p->next = n->pending;
	n->pending = p;
	pthread_mutex_unlock(&n->mu);
	return -1;
}

size_t
notify_retry_pending(struct notify *n)
{
	struct pending *p, *keep = NULL;
	char err[LW_ERRLEN];
	size_t left = 0;

	pthread_mutex_lock(&n->mu);
	while ((p = n->pending) != NULL) {
		n->pending = p->next;
		if (put(n, &p->ev, &p->todo, err) == 0) {
			free(p);
			continue;
		}
		p->next = keep;
		keep = p;
		left++;
	}
	n->pending = keep;
	pthread_mutex_unlock(&n->mu);
	return left;
}

void
notify_stats(struct notify *n, struct notify_stats *st)
{
	size_t i;

	st->sent = atomic_load(&n->sent);
	st->retries = atomic_load(&n->retries);
	st->dead = atomic_load(&n->dead);
	st->depth = 0;
	for (i = 0; i < n->nt; i++)
		st->depth += atomic_load(&n->t[i].depth);
}
