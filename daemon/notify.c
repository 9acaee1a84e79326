/*
 * notify.c: the delivery thread. One curl multi handle carries every
 * webhook's requests. Each webhook keeps its outbox entries in a queue,
 * oldest first, and has up to max_inflight requests out at once. An
 * entry is sent only when no older entry of the same sensor is left in
 * the queue, so one sensor's transitions reach the receiver in order and
 * never overlap, while different sensors' travel in parallel: a storm of
 * crossings waits for one round trip, not for one per sensor.
 *
 * A failure (timeout, 5xx, 429) puts the whole webhook into backoff: its
 * receiver is probably down. What is already in flight finishes; after
 * the backoff the failed entry goes first and alone, and the webhook
 * opens up again once a request sent since the failure is accepted. A
 * failure of a request sent before the backoff began adds nothing to it.
 *
 * Formats that fold several events into one request (chat digests under
 * a rate limit, alertmanager's array and its re-sends) keep exactly one
 * request in flight and take the head of the queue, as a digest must.
 */
#include <sys/queue.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/format.h"
#include "../lib/log.h"
#include "../lib/outbox.h"
#include "../lib/util.h"
#include "notify.h"

#define BACKOFF_MIN	1.0
#define BACKOFF_MAX	300.0
#define AFTER_MAX	3600.0	/* Retry-After honoured up to this, s */
#define THROTTLED	60.0	/* wait after "send too fast", s */
#define REPLY_MAX	512
#define FOLD_MAX	100	/* events one request carries at most */
#define SCAN_MAX	1024	/* queue entries one pass looks at */
#define AM_PATH		"/api/v2/alerts"

enum req_kind { REQ_EVENTS, REQ_RESEND };
enum verdict { V_OK, V_RETRY, V_DEAD };

/* One outbox entry of a target. */
struct entry {
	TAILQ_ENTRY(entry) link;
	struct req	*req;		/* carrying it now; NULL: waiting */
	int		 sensor;	/* index into conf sensors, nsensor if
					   not there; -1: not read yet */
	int		 retry;		/* failed: goes first after backoff */
	char		 name[];
};
TAILQ_HEAD(entries, entry);

/* One request slot of a target; belongs to the thread. */
struct req {
	struct target	*t;
	CURL		*easy;		/* NULL when free */
	struct curl_slist *hdrs;
	char		*body;
	char		*req_url;	/* dingtalk: signed per request */
	enum req_kind	 kind;
	struct entry	*fold[FOLD_MAX];	/* the entries it carries */
	size_t		 nfold;
	json_t		*batch;		/* alertmanager: records carried */
	unsigned	 epoch;		/* its target's epoch when sent */
	char		 reply[REPLY_MAX];
	size_t		 replylen;
	char		 cerr[CURL_ERROR_SIZE];	/* curl's detail */
};

struct target {
	const struct conf_webhook *w;
	char		*url;		/* where to POST */
	struct entries	 in;		/* new entries, under n->mu */
	size_t		 depth;		/* entries in in and q, under n->mu */
	char		**earlier;	/* outbox names at start (enqueue's) */
	size_t		 nearlier;
	/* the rest belongs to the thread */
	struct entries	 q;		/* oldest first */
	struct req	*req;		/* nreq slots */
	size_t		 nreq;		/* 1 if folding, else max_inflight */
	size_t		 busy;		/* slots in flight */
	int		 folds;		/* several events per request */
	struct timespec	 next_try;
	int		 attempts;	/* failures since the last success */
	unsigned	 epoch;		/* bumped by each failure that backs
					   off: older requests say nothing */
	int		 down;		/* failure logged */
	int		 unreadable;	/* outbox scan failed at start */
	struct timespec	*rl;		/* rate limit: send times, a ring */
	size_t		 rl_i;
	json_t		*active;	/* alertmanager: key -> alert */
	struct timespec	 next_resend;
};

/* events whose outbox write failed or found the outbox full */
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
	char			*seen;	/* scratch: a byte per sensor + 1 */
	atomic_int		 stop;
	pthread_mutex_t		 pmu;	/* pending; taken before mu */
	struct pending		*pending, **ptail;
	pthread_mutex_t		 mu;	/* each target's in and depth */
	atomic_uint_fast64_t	 sent, retries, dead, digests;
};

static struct entry *
entry_new(const char *name, int sensor)
{
	size_t len = strlen(name) + 1;
	struct entry *e;

	if ((e = calloc(1, sizeof(*e) + len)) == NULL)
		fatal("notify");
	memcpy(e->name, name, len);
	e->sensor = sensor;
	return e;
}

static void
entries_free(struct entries *h)
{
	struct entry *e;

	while ((e = TAILQ_FIRST(h)) != NULL) {
		TAILQ_REMOVE(h, e, link);
		free(e);
	}
}

/* Index of sensor NAME in the config; nsensor if it is not there. */
static int
sensor_index(const struct notify *n, const char *name)
{
	int i = name != NULL ? conf_sensor_find(n->c, name) : -1;

	return i >= 0 ? i : (int)n->c->nsensor;
}

/* Move the entries enqueued since the last call to the end of T's q. */
static void
adopt(struct notify *n, struct target *t)
{
	pthread_mutex_lock(&n->mu);
	TAILQ_CONCAT(&t->q, &t->in, link);
	pthread_mutex_unlock(&n->mu);
}

/* The K entries E are handled (their files are gone): forget them. */
static void
drop(struct notify *n, struct target *t, struct entry *const *e, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++) {
		TAILQ_REMOVE(&t->q, e[i], link);
		free(e[i]);
	}
	pthread_mutex_lock(&n->mu);
	t->depth -= k;
	pthread_mutex_unlock(&n->mu);
}

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

char *
notify_dingtalk_url(const char *url, const char *secret, long long ts_ms)
{
	char sig[64], *esc, *out;
	size_t len;

	format_dingtalk_sign(secret, ts_ms, sig, sizeof(sig));
	if ((esc = curl_easy_escape(NULL, sig, 0)) == NULL)
		return NULL;
	len = strlen(url) + strlen(esc) + 64;
	if ((out = malloc(len)) != NULL)
		snprintf(out, len, "%s%ctimestamp=%lld&sign=%s", url,
		    strchr(url, '?') ? '&' : '?', ts_ms, esc);
	curl_free(esc);
	return out;
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

static struct curl_slist *
headers(const struct req *r, json_t *const *ev, size_t k)
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
		notify_sign(w->secret, now, r->body, sig, sizeof(sig));
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
	r->t->busy--;
}

/* Rate limit: may T send now? If not, when in *next. */
static int
rl_allows(const struct target *t, struct timespec now, struct timespec *next)
{
	const struct conf_webhook *w = t->w;
	const struct timespec *oldest = &t->rl[t->rl_i];

	if (w->rate_limit == 0 || oldest->tv_sec == 0 ||
	    ts_diff(now, *oldest) >= w->rate_window)
		return 1;
	*next = ts_add(*oldest, w->rate_window);
	return 0;
}

/* Sends T may still make in the current window (SIZE_MAX: no limit). */
static size_t
rl_free(const struct target *t, struct timespec now)
{
	size_t i, used = 0;

	if (t->w->rate_limit == 0)
		return SIZE_MAX;
	for (i = 0; i < (size_t)t->w->rate_limit; i++)
		used += t->rl[i].tv_sec != 0 &&
		    ts_diff(now, t->rl[i]) < t->w->rate_window;
	return (size_t)t->w->rate_limit - used;
}

static void
rl_note(struct target *t, struct timespec now)
{
	if (t->w->rate_limit == 0)
		return;
	t->rl[t->rl_i] = now;
	t->rl_i = (t->rl_i + 1) % (size_t)t->w->rate_limit;
}

static void
easy_opts(CURL *e, struct req *r)
{
	const struct conf_webhook *w = r->t->w;

	curl_easy_setopt(e, CURLOPT_URL, r->req_url ? r->req_url : r->t->url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(w->timeout * 1000));
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (w->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, w->ca_file);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "lakewatch/" LW_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->cerr);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
}

/* Hand the request in R (body, headers H, URL, fold) to curl. */
static void
launch(struct notify *n, struct req *r, struct curl_slist *h)
{
	struct target *t = r->t;
	size_t i;

	if ((r->easy = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	r->hdrs = h;
	r->replylen = 0;
	r->reply[0] = '\0';
	r->cerr[0] = '\0';
	r->epoch = t->epoch;
	for (i = 0; i < r->nfold; i++) {
		r->fold[i]->req = r;
		r->fold[i]->retry = 0;
	}
	easy_opts(r->easy, r);
	curl_multi_add_handle(n->multi, r->easy);
	t->busy++;
	rl_note(t, mono_now());
}

/* Up to MAX entries at T's head into R's fold; the queue length in *WAIT. */
static size_t
take_head(struct notify *n, struct target *t, struct req *r, size_t max,
    size_t *wait)
{
	struct entry *e;
	size_t k = 0;

	pthread_mutex_lock(&n->mu);
	*wait = t->depth;
	pthread_mutex_unlock(&n->mu);
	for (e = TAILQ_FIRST(&t->q); e != NULL && k < max;
	    e = TAILQ_NEXT(e, link))
		r->fold[k++] = e;
	return k;
}

/* Parse the K entries E of T into EV; returns how many parsed in a row. */
static size_t
load(struct notify *n, const struct target *t, struct entry *const *e,
    size_t k, json_t **ev)
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

static void
free_events(json_t **ev, size_t k)
{
	while (k-- > 0)
		json_decref(ev[k]);
}

/* Move the K entries E of T to the dead-letter folder, saying why. */
static void
bury(struct notify *n, struct target *t, struct entry *const *e, size_t k,
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

/* Entry E of T cannot be read or parsed: dead-letter it. */
static void
unreadable(struct notify *n, struct target *t, struct entry *e)
{
	bury(n, t, &e, 1, "unreadable: not an event in JSON\n");
}

/* Chat formats: fold when more wait than the rate limit lets through. */
static size_t
want_fold(const struct target *t, size_t k, size_t wait)
{
	enum wh_format f = t->w->format;

	if (f == FMT_JSON || f == FMT_ALERTMANAGER || t->w->rate_limit == 0)
		return 1;
	return wait > rl_free(t, mono_now()) ? k : 1;
}

/*
 * Send what fits of the K events EV (R's fold) in one body of R's
 * format; how many it carries into R->nfold. -1 if EV[0] is no event.
 */
static int
chat_send(struct notify *n, struct req *r, json_t *const *ev, size_t k)
{
	const struct conf_webhook *w = r->t->w;
	struct fmt_opts o = { w->format, w->msgtype == MSG_MARKDOWN,
	    w->secret, (time_t)wall_now(), &w->mention, w->keyword };

	if ((r->body = format_message(ev, k, &o, &r->nfold)) == NULL)
		return -1;
	if (w->format == FMT_DINGTALK && w->secret != NULL &&
	    (r->req_url = notify_dingtalk_url(r->t->url, w->secret,
	    (long long)(wall_now() * 1000))) == NULL)
		fatal("notify");
	r->kind = REQ_EVENTS;
	launch(n, r, headers(r, ev, r->nfold));
	return 0;
}

/* Send the oldest event(s) of a folding chat T; 1: call again. */
static int
kick_chat(struct notify *n, struct target *t)
{
	struct req *r = &t->req[0];
	json_t *ev[FOLD_MAX];
	size_t wait, k, got;
	int rc;

	if ((k = take_head(n, t, r, FOLD_MAX, &wait)) == 0)
		return 0;
	if ((got = load(n, t, r->fold, want_fold(t, k, wait), ev)) == 0) {
		unreadable(n, t, r->fold[0]);
		return 1;
	}
	rc = chat_send(n, r, ev, got);
	free_events(ev, got);
	if (rc == -1) {
		unreadable(n, t, r->fold[0]);
		return 1;
	}
	return 0;
}

/* alertmanager: the alert for record EV as it should be sent now. */
static json_t *
am_alert(const struct target *t, const json_t *ev, time_t now)
{
	const char *status = json_string_value(json_object_get(ev, "status"));
	char key[EVENT_ID_MAX], ends[32];
	json_t *a, *old;

	if ((a = format_am_alert(ev, t->w->generator_url)) == NULL)
		return NULL;
	format_am_key(ev, key, sizeof(key));
	if (status != NULL && strcmp(status, "resolved") == 0) {
		old = json_object_get(t->active, key);
		if (old != NULL) {
			json_object_set(a, "labels", json_object_get(old,
			    "labels"));
			json_object_set(a, "startsAt", json_object_get(old,
			    "startsAt"));
		}
		json_object_set(a, "endsAt", json_object_get(ev,
		    "observed_at"));
	} else {
		fmt_rfc3339(now + (time_t)t->w->resolve_timeout, ends,
		    sizeof(ends));
		json_object_set_new(a, "endsAt", json_string(ends));
	}
	return a;
}

/* alertmanager: every active alert, endsAt pushed ahead. */
static json_t *
am_resend_body(const struct target *t, time_t now)
{
	json_t *arr = json_array(), *a, *c;
	const char *key;
	char ends[32];

	fmt_rfc3339(now + (time_t)t->w->resolve_timeout, ends, sizeof(ends));
	json_object_foreach(t->active, key, a) {
		c = json_deep_copy(a);
		json_object_set_new(c, "endsAt", json_string(ends));
		json_array_append_new(arr, c);
	}
	return arr;
}

static void
am_send(struct notify *n, struct req *r, json_t *arr, enum req_kind kind)
{
	r->body = format_dump(arr);
	json_decref(arr);
	if (r->body == NULL)
		fatal("notify");
	r->kind = kind;
	launch(n, r, headers(r, NULL, 0));
}

/* Send T's oldest events, or re-send its active alerts when due. */
static int
kick_am(struct notify *n, struct target *t)
{
	struct req *r = &t->req[0];
	json_t *ev[FOLD_MAX], *arr, *a;
	time_t now = (time_t)wall_now();
	size_t wait, k, got, i;

	if ((k = take_head(n, t, r, FOLD_MAX, &wait)) == 0) {
		if (json_object_size(t->active) > 0 &&
		    ts_diff(mono_now(), t->next_resend) >= 0)
			am_send(n, r, am_resend_body(t, now), REQ_RESEND);
		return 0;
	}
	if ((got = load(n, t, r->fold, k, ev)) == 0) {
		unreadable(n, t, r->fold[0]);
		return 1;
	}
	arr = json_array();
	r->batch = json_array();
	for (i = 0; i < got; i++) {
		if ((a = am_alert(t, ev[i], now)) == NULL)
			break;
		json_array_append_new(arr, a);
		json_array_append(r->batch, ev[i]);
	}
	free_events(ev, got);
	if ((r->nfold = i) == 0) {
		json_decref(arr);
		json_decref(r->batch);
		r->batch = NULL;
		unreadable(n, t, r->fold[0]);
		return 1;
	}
	am_send(n, r, arr, REQ_EVENTS);
	return 0;
}

static void
am_path(const struct notify *n, const struct target *t, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s/alertmanager/%s.json", n->c->state_dir,
	    t->w->name);
}

/* Save T's active alerts atomically; 0 or -1 (logged). */
static int
am_save(struct notify *n, struct target *t)
{
	char path[PATH_MAX], dir[PATH_MAX];
	json_t *j = json_pack("{s:i, s:O}", "version", 1, "alerts",
	    t->active);
	char *text = format_dump(j);
	int rc;

	json_decref(j);
	snprintf(dir, sizeof(dir), "%s/alertmanager", n->c->state_dir);
	am_path(n, t, path, sizeof(path));
	rc = text == NULL || mkdirs(dir, 0750) == -1 ||
	    write_atomic(path, text, strlen(text), 0640) == -1 ? -1 : 0;
	if (rc == -1)
		log_warn("webhook '%s': %s", t->w->name, path);
	free(text);
	return rc;
}

static void
am_load(struct notify *n, struct target *t)
{
	char path[PATH_MAX], bad[PATH_MAX + 8];
	json_error_t jerr;
	json_t *j, *a;

	t->active = json_object();
	am_path(n, t, path, sizeof(path));
	if (access(path, F_OK) == -1)
		return;
	j = json_load_file(path, 0, &jerr);
	a = json_object_get(j, "alerts");
	if (!json_is_object(a)) {
		snprintf(bad, sizeof(bad), "%s.bad", path);
		log_warnx("webhook '%s': %s unreadable (%s); moved to %s, "
		    "starting with no active alerts", t->w->name, path,
		    jerr.text, bad);
		rename(path, bad);
	} else {
		json_object_update(t->active, a);
		log_info("webhook '%s': %zu active alerts from an earlier "
		    "run", t->w->name, json_object_size(t->active));
	}
	json_decref(j);
}

/* The batch R carried was accepted: update the active set and save it. */
static int
am_accepted(struct notify *n, struct req *r)
{
	struct target *t = r->t;
	char key[EVENT_ID_MAX];
	const char *status;
	json_t *ev, *a;
	size_t i;

	json_array_foreach(r->batch, i, ev) {
		format_am_key(ev, key, sizeof(key));
		status = json_string_value(json_object_get(ev, "status"));
		if (status != NULL && strcmp(status, "resolved") == 0) {
			json_object_del(t->active, key);
			continue;
		}
		if ((a = format_am_alert(ev, t->w->generator_url)) != NULL)
			json_object_set_new(t->active, key, a);
	}
	return am_save(n, t);
}

/* The next wait of T's backoff, s: doubling with jitter, or RETRY_AFTER. */
static double
backoff(const struct target *t, double retry_after)
{
	double wait = BACKOFF_MIN * pow(2, t->attempts < 20 ? t->attempts :
	    20);

	if (wait > BACKOFF_MAX)
		wait = BACKOFF_MAX;
	wait *= 0.5 + jitter01() / 2;
	if (retry_after > AFTER_MAX)
		retry_after = AFTER_MAX;
	return retry_after > wait ? retry_after : wait;
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
	struct timespec at;
	double wait;
	size_t i;

	for (i = 0; i < r->nfold; i++) {
		r->fold[i]->req = NULL;
		r->fold[i]->retry = 1;
	}
	atomic_fetch_add(&n->retries, 1);
	if (r->epoch != t->epoch) {
		at = ts_add(mono_now(), retry_after < AFTER_MAX ?
		    retry_after : AFTER_MAX);
		if (ts_diff(at, t->next_try) > 0)
			t->next_try = at;
		log_debug("webhook '%s': %s (sent before the backoff)",
		    t->w->name, why);
		return;
	}
	wait = backoff(t, retry_after);
	if (!t->down)
		log_warnx("webhook '%s': %s; retrying in %.1f s", t->w->name,
		    why, wait);
	else
		log_debug("webhook '%s': %s; next try in %.1f s", t->w->name,
		    why, wait);
	t->next_try = ts_add(mono_now(), wait);
	t->attempts++;
	t->epoch++;
	t->down = 1;
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
	if (r->epoch == t->epoch) {	/* sent since the last failure */
		if (t->down)
			log_info("webhook '%s': delivering again",
			    t->w->name);
		t->down = 0;
		t->attempts = 0;
	}
	drop(n, t, r->fold, k);
}

/* A 2xx from a chat API may still say no, in its body. */
static enum verdict
chat_verdict(const struct req *r, double *wait, char *why, size_t len)
{
	enum wh_format f = r->t->w->format;
	json_t *j, *c;
	long code;

	if (f != FMT_DINGTALK && f != FMT_WECOM && f != FMT_FEISHU)
		return V_OK;
	j = json_loads(r->reply, 0, NULL);
	c = json_object_get(j, f == FMT_FEISHU ? "code" : "errcode");
	code = json_is_integer(c) ? (long)json_integer_value(c) : 0;
	snprintf(why, len, "%s %ld: %s", f == FMT_FEISHU ? "code" :
	    "errcode", code, json_is_string(json_object_get(j, f == FMT_FEISHU ?
	    "msg" : "errmsg")) ? json_string_value(json_object_get(j,
	    f == FMT_FEISHU ? "msg" : "errmsg")) : "");
	json_decref(j);
	*wait = 0;
	if (code == 0)
		return V_OK;
	/* too fast (DingTalk, WeCom, Feishu), quota, Feishu's clock */
	if (code == 130101 || code == 45009 || code == 11232 ||
	    code == 9499 || code == 90030 || code == 19021) {
		*wait = code == 19021 ? 0 : THROTTLED;
		return V_RETRY;
	}
	return V_DEAD;
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

/* Curl is done with R: deliver, retry or dead-letter what it carried. */
static void
finish(struct notify *n, struct req *r, CURLcode rc)
{
	curl_off_t after = 0;
	long code = 0;
	char why[REPLY_MAX + 64];

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &after);
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
	if (t->busy > 0 || !rl_allows(t, mono_now(), &t->next_try))
		return 0;
	return t->w->format == FMT_ALERTMANAGER ? kick_am(n, t) :
	    kick_chat(n, t);
}

/*
 * Send entry E of T alone, in a free slot (there must be one). EV is its
 * record if already read (this takes it), else NULL.
 */
static void
send_entry(struct notify *n, struct target *t, struct entry *e, json_t *ev)
{
	struct req *r = t->req;

	while (r->easy != NULL)
		r++;
	r->fold[0] = e;
	if (ev == NULL && load(n, t, &e, 1, &ev) == 0) {
		unreadable(n, t, e);
		return;
	}
	if (e->sensor < 0)
		e->sensor = sensor_index(n, json_string_value(
		    json_object_get(ev, "sensor")));
	if (chat_send(n, r, &ev, 1) == -1)
		unreadable(n, t, e);
	json_decref(ev);
}

/* Read entry E to learn its sensor; its record, or NULL (then buried). */
static json_t *
sense(struct notify *n, struct target *t, struct entry *e)
{
	json_t *ev;

	if (load(n, t, &e, 1, &ev) == 0) {
		unreadable(n, t, e);
		return NULL;
	}
	e->sensor = sensor_index(n, json_string_value(json_object_get(ev,
	    "sensor")));
	return ev;
}

/* After a failure: the entry that failed first, else the oldest. */
static struct entry *
probe(const struct target *t)
{
	struct entry *e;

	TAILQ_FOREACH(e, &t->q, link)
		if (e->retry)
			return e;
	return TAILQ_FIRST(&t->q);
}

/*
 * Fill T's free slots with its oldest entries whose sensor has nothing
 * older in the queue (in flight or waiting). Once backing off, one
 * request at a time until one sent since is accepted.
 */
static void
kick_parallel(struct notify *n, struct target *t, struct timespec now)
{
	struct entry *e, *next;
	size_t looked = 0;
	json_t *ev;

	if (t->attempts > 0) {
		/* a loop only while what it picks proves unreadable */
		while (t->busy == 0 && (e = probe(t)) != NULL &&
		    rl_allows(t, now, &t->next_try))
			send_entry(n, t, e, NULL);
		return;
	}
	memset(n->seen, 0, n->c->nsensor + 1);
	for (e = TAILQ_FIRST(&t->q); e != NULL && t->busy < t->nreq &&
	    looked++ < SCAN_MAX; e = next) {
		next = TAILQ_NEXT(e, link);
		ev = NULL;
		if (e->sensor < 0 && (ev = sense(n, t, e)) == NULL)
			continue;
		if (e->req == NULL && !n->seen[e->sensor]) {
			if (!rl_allows(t, now, &t->next_try)) {
				json_decref(ev);
				break;
			}
			n->seen[e->sensor] = 1;
			send_entry(n, t, e, ev);	/* may free e */
			continue;
		}
		n->seen[e->sensor] = 1;
		json_decref(ev);
	}
}

/* Start what T may send now. */
static void
kick(struct notify *n, struct target *t)
{
	struct timespec now = mono_now();
	size_t again;

	adopt(n, t);
	if (ts_diff(now, t->next_try) < 0)
		return;
	if (!t->folds) {
		kick_parallel(n, t, now);
		return;
	}
	for (again = 0; again < 1000 && kick_serial(n, t); again++)
		;
}

static long
poll_ms(struct notify *n)
{
	struct timespec now = mono_now();
	const struct target *t;
	double ms = 1000, d;
	size_t i;

	for (i = 0; i < n->nt; i++) {
		t = &n->t[i];
		if (t->busy >= (t->attempts > 0 ? 1 : t->nreq))
			continue;
		if ((d = ts_diff(t->next_try, now) * 1000) > 0 && d < ms)
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

	while (!atomic_load(&n->stop)) {
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
	struct entry *e;
	char **v;
	size_t i, k, dead;

	TAILQ_INIT(&t->in);
	TAILQ_INIT(&t->q);
	if (outbox_scan(dir, name, &v, &k) == -1) {
		log_warn("webhook '%s': outbox %s/outbox/%s cannot be read; "
		    "what waits there is not sent before a reload or restart",
		    name, dir, name);
		t->unreadable = 1;
		return;
	}
	for (i = 0; i < k; i++) {
		e = entry_new(v[i], -1);
		TAILQ_INSERT_TAIL(&t->q, e, link);
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

/* T's URL, its request slots, its queue, its active alerts. */
static void
target_init(struct notify *n, struct target *t, const struct conf_webhook *w)
{
	size_t len = strlen(w->url) + sizeof(AM_PATH), i;

	t->w = w;
	t->next_try = t->next_resend = mono_now();
	/* a digest or an alert array is one request at a time */
	t->folds = w->format == FMT_ALERTMANAGER ||
	    (w->format != FMT_JSON && w->rate_limit > 0);
	t->nreq = t->folds ? 1 : (size_t)w->max_inflight;
	if ((t->url = malloc(len)) == NULL ||
	    (t->req = calloc(t->nreq, sizeof(*t->req))) == NULL ||
	    (w->rate_limit > 0 && (t->rl = calloc((size_t)w->rate_limit,
	    sizeof(*t->rl))) == NULL))
		fatal("notify");
	for (i = 0; i < t->nreq; i++)
		t->req[i].t = t;
	snprintf(t->url, len, "%s", w->url);
	if (w->format == FMT_ALERTMANAGER) {
		t->url[strcspn(t->url, "?#")] = '\0';
		while (len = strlen(t->url), len > 0 && t->url[len - 1] == '/')
			t->url[len - 1] = '\0';
		strcat(t->url, AM_PATH);
	}
	target_queue(n, t);
	if (w->format == FMT_ALERTMANAGER)
		am_load(n, t);
}

struct notify *
notify_start(const struct conf *c)
{
	struct notify *n;
	size_t i, slots = 0;

	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (n->t = calloc(c->nwebhook + 1, sizeof(*n->t))) == NULL ||
	    (n->seen = calloc(c->nsensor + 1, 1)) == NULL)
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
	if ((n->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	/* keep a connection per slot alive between bursts (curl's default
	   shrinks with the handles in use) */
	curl_multi_setopt(n->multi, CURLMOPT_MAXCONNECTS, (long)slots + 1);
	if (pthread_create(&n->thr, NULL, run, n) != 0)
		fatal("notify thread");
	return n;
}

/* Write TEXT, event ID of sensor S, for target I; 0, or -1 with err. */
static int
put_one(struct notify *n, size_t i, const char *text, const char *id,
    int s, int force, char err[LW_ERRLEN])
{
	struct target *t = &n->t[i];
	char name[OUTBOX_NAME_MAX];
	struct entry *e;
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
	e = entry_new(name, s);
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
	char *text = j ? format_dump(j) : NULL;
	int s = sensor_index(n, ev->sensor);
	size_t i;

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

/* T's queues, slots and state; the thread has stopped. */
static void
target_free(struct target *t)
{
	size_t i;

	entries_free(&t->q);
	entries_free(&t->in);
	for (i = 0; i < t->nearlier; i++)
		free(t->earlier[i]);
	free(t->earlier);
	for (i = 0; i < t->nreq; i++)
		json_decref(t->req[i].batch);
	free(t->req);
	json_decref(t->active);
	free(t->url);
	free(t->rl);
}

void
notify_stop(struct notify *n)
{
	struct pending *p;
	size_t i;

	if (n == NULL)
		return;
	atomic_store(&n->stop, 1);
	curl_multi_wakeup(n->multi);
	pthread_join(n->thr, NULL);
	curl_multi_cleanup(n->multi);
	n->multi = NULL;
	flush_pending(n, 1);
	while ((p = n->pending) != NULL) {
		n->pending = p->next;
		log_warnx("event '%s' could not be written to the outbox and "
		    "is lost at exit", p->ev.id);
		free(p);
	}
	for (i = 0; i < n->nt; i++)
		target_free(&n->t[i]);
	pthread_mutex_destroy(&n->mu);
	pthread_mutex_destroy(&n->pmu);
	free(n->seen);
	free(n->t);
	free(n);
}

void
notify_stats(struct notify *n, struct notify_stats *st)
{
	const struct pending *p;
	size_t i;

	st->sent = atomic_load(&n->sent);
	st->retries = atomic_load(&n->retries);
	st->dead = atomic_load(&n->dead);
	st->digests = atomic_load(&n->digests);
	st->depth = 0;
	st->pending = 0;
	pthread_mutex_lock(&n->pmu);
	for (p = n->pending; p != NULL; p = p->next)
		st->pending++;
	pthread_mutex_unlock(&n->pmu);
	pthread_mutex_lock(&n->mu);
	for (i = 0; i < n->nt; i++)
		st->depth += n->t[i].depth;
	pthread_mutex_unlock(&n->mu);
	st->unreadable = 0;
	for (i = 0; i < n->nt; i++)
		st->unreadable += n->t[i].unreadable;
}
