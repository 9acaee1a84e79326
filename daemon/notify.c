/* notify.c: one thread, curl multi, one request in flight per webhook */
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

#include "format.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "util.h"

#define BACKOFF_MIN	1.0
#define BACKOFF_MAX	300.0
#define AFTER_MAX	3600.0	/* Retry-After honoured up to this, s */
#define THROTTLED	60.0	/* wait after "send too fast", s */
#define REPLY_MAX	512
#define FOLD_MAX	100	/* events one request carries at most */
#define AM_PATH		"/api/v2/alerts"

enum req_kind { REQ_EVENTS, REQ_RESEND };
enum verdict { V_OK, V_RETRY, V_DEAD };

/* outbox entry names, oldest first; appended by enqueue, popped here */
struct names {
	char	**v;
	size_t	  head, len, cap;
};

struct target {
	const struct conf_webhook *w;
	char		*url;		/* where to POST */
	struct names	 q;		/* under n->mu */
	/* the rest belongs to the thread */
	CURL		*easy;		/* NULL when idle */
	struct curl_slist *hdrs;
	char		*body;
	char		*req_url;	/* dingtalk: signed per request */
	enum req_kind	 kind;
	const char	*fold[FOLD_MAX];	/* in flight: q's head */
	size_t		 nfold;
	json_t		*batch;		/* alertmanager: records in flight */
	char		 reply[REPLY_MAX];
	size_t		 replylen;
	char		 cerr[CURL_ERROR_SIZE];	/* curl's detail */
	struct timespec	 next_try;
	int		 attempts;
	int		 down;		/* failure logged */
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
	atomic_int		 stop;
	pthread_mutex_t		 pmu;	/* pending; taken before mu */
	struct pending		*pending, **ptail;
	pthread_mutex_t		 mu;	/* each target's q */
	atomic_uint_fast64_t	 sent, retries, dead, digests;
};

static int
names_push(struct names *q, const char *s)
{
	char **v;

	if (q->head > 0 && q->head + q->len == q->cap) {
		memmove(q->v, q->v + q->head, q->len * sizeof(*q->v));
		q->head = 0;
	}
	if (q->head + q->len == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		if ((v = realloc(q->v, q->cap * sizeof(*v))) == NULL)
			return -1;
		q->v = v;
	}
	if ((q->v[q->head + q->len] = strdup(s)) == NULL)
		return -1;
	q->len++;
	return 0;
}

static void
names_pop(struct names *q, size_t k)
{
	while (k-- > 0 && q->len > 0) {
		free(q->v[q->head++]);
		q->len--;
	}
	if (q->len == 0)
		q->head = 0;
}

static void
names_free(struct names *q)
{
	names_pop(q, q->len);
	free(q->v);
	memset(q, 0, sizeof(*q));
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
	struct target *t = arg;
	size_t n = size * nmemb, room = REPLY_MAX - 1 - t->replylen;

	memcpy(t->reply + t->replylen, ptr, n < room ? n : room);
	t->replylen += n < room ? n : room;
	t->reply[t->replylen] = '\0';
	return n;
}

/* Idempotency-Key and X-Lakewatch-Event-Ids for what T carries. */
static struct curl_slist *
id_headers(struct curl_slist *h, const struct target *t, json_t *const *ev,
    size_t k)
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
	(void)t;
	return curl_slist_append(h, buf);
}

static struct curl_slist *
headers(const struct target *t, json_t *const *ev, size_t k)
{
	struct curl_slist *h = NULL;
	char buf[256], sig[128];
	long long now = (long long)wall_now();
	enum wh_format f = t->w->format;

	h = curl_slist_append(h, "Content-Type: application/json; "
	    "charset=utf-8");
	h = curl_slist_append(h, "Expect:");
	if (ev != NULL)
		h = id_headers(h, t, ev, k);
	if (t->w->secret != NULL && (f == FMT_JSON || f == FMT_SLACK)) {
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
	free(t->req_url);
	t->easy = NULL;
	t->hdrs = NULL;
	t->body = NULL;
	t->req_url = NULL;
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

/* Hand the request in T (body, headers, URL) to curl. */
static void
launch(struct notify *n, struct target *t, struct curl_slist *h)
{
	CURL *e;

	if ((e = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	t->easy = e;
	t->hdrs = h;
	t->replylen = 0;
	t->reply[0] = '\0';
	t->cerr[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, t->req_url ? t->req_url : t->url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->hdrs);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(t->w->timeout * 1000));
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (t->w->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, t->w->ca_file);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "lakewatch/" LW_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->cerr);
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	curl_multi_add_handle(n->multi, e);
	rl_note(t, mono_now());
}

/* Up to MAX names at T's head into T->fold; the queue length in *WAIT. */
static size_t
take_head(struct notify *n, struct target *t, size_t max, size_t *wait)
{
	size_t i, k;

	pthread_mutex_lock(&n->mu);
	*wait = t->q.len;
	k = t->q.len < max ? t->q.len : max;
	for (i = 0; i < k; i++)
		t->fold[i] = t->q.v[t->q.head + i];
	pthread_mutex_unlock(&n->mu);
	return k;
}

/* Drop the first K entries of T's queue (their files are handled). */
static void
pop(struct notify *n, struct target *t, size_t k)
{
	pthread_mutex_lock(&n->mu);
	names_pop(&t->q, k);
	pthread_mutex_unlock(&n->mu);
	t->nfold = 0;
}

/* Parse T->fold[0..K-1] into EV; returns how many parsed in a row. */
static size_t
load(struct notify *n, struct target *t, size_t k, json_t **ev)
{
	size_t i;
	char *text;

	for (i = 0; i < k; i++) {
		text = outbox_read(n->c->state_dir, t->w->name, t->fold[i]);
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

/* Move the first K entries of T to the dead-letter folder, saying why. */
static void
bury(struct notify *n, struct target *t, size_t k, const char *why)
{
	size_t i;

	for (i = 0; i < k; i++) {
		if (outbox_deadletter(n->c->state_dir, t->w->name, t->fold[i],
		    why) == -1)
			log_warn("webhook '%s': deadletter '%s'", t->w->name,
			    t->fold[i]);
		else
			log_warnx("webhook '%s': event '%s' moved to "
			    "%s/deadletter/%s/: %.*s", t->w->name, t->fold[i],
			    n->c->state_dir, t->w->name,
			    (int)strcspn(why, "\n"), why);
	}
	atomic_fetch_add(&n->dead, k);
	pop(n, t, k);
}

/* The first entry of T cannot be read or parsed: dead-letter it. */
static void
unreadable(struct notify *n, struct target *t)
{
	bury(n, t, 1, "unreadable: not an event in JSON\n");
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

/* Send the oldest event(s) of a non-alertmanager T; 1: call again. */
static int
kick_chat(struct notify *n, struct target *t)
{
	struct fmt_opts o = { t->w->format, t->w->msgtype == MSG_MARKDOWN,
	    t->w->secret, (time_t)wall_now() };
	json_t *ev[FOLD_MAX];
	size_t wait, k, got;

	if ((k = take_head(n, t, FOLD_MAX, &wait)) == 0)
		return 0;
	if ((got = load(n, t, want_fold(t, k, wait), ev)) == 0) {
		unreadable(n, t);
		return 1;
	}
	t->body = format_message(ev, got, &o, &t->nfold);
	if (t->body == NULL) {
		free_events(ev, got);
		unreadable(n, t);
		return 1;
	}
	if (t->w->format == FMT_DINGTALK && t->w->secret != NULL &&
	    (t->req_url = notify_dingtalk_url(t->url, t->w->secret,
	    (long long)(wall_now() * 1000))) == NULL)
		fatal("notify");
	t->kind = REQ_EVENTS;
	launch(n, t, headers(t, ev, t->nfold));
	free_events(ev, got);
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
am_send(struct notify *n, struct target *t, json_t *arr, enum req_kind kind)
{
	t->body = format_dump(arr);
	json_decref(arr);
	if (t->body == NULL)
		fatal("notify");
	t->kind = kind;
	launch(n, t, headers(t, NULL, 0));
}

/* Send T's oldest events, or re-send its active alerts when due. */
static int
kick_am(struct notify *n, struct target *t)
{
	json_t *ev[FOLD_MAX], *arr, *a;
	time_t now = (time_t)wall_now();
	size_t wait, k, got, i;

	if ((k = take_head(n, t, FOLD_MAX, &wait)) == 0) {
		if (json_object_size(t->active) > 0 &&
		    ts_diff(mono_now(), t->next_resend) >= 0)
			am_send(n, t, am_resend_body(t, now), REQ_RESEND);
		return 0;
	}
	if ((got = load(n, t, k, ev)) == 0) {
		unreadable(n, t);
		return 1;
	}
	arr = json_array();
	t->batch = json_array();
	for (i = 0; i < got; i++) {
		if ((a = am_alert(t, ev[i], now)) == NULL)
			break;
		json_array_append_new(arr, a);
		json_array_append(t->batch, ev[i]);
	}
	free_events(ev, got);
	if ((t->nfold = i) == 0) {
		json_decref(arr);
		json_decref(t->batch);
		t->batch = NULL;
		unreadable(n, t);
		return 1;
	}
	am_send(n, t, arr, REQ_EVENTS);
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

/* The batch in flight was accepted: update the active set and save it. */
static int
am_accepted(struct notify *n, struct target *t)
{
	char key[EVENT_ID_MAX];
	const char *status;
	json_t *ev, *a;
	size_t i;

	json_array_foreach(t->batch, i, ev) {
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

static void
retry_later(struct notify *n, struct target *t, const char *why,
    double retry_after)
{
	double wait = BACKOFF_MIN * pow(2, t->attempts < 20 ? t->attempts :
	    20);

	if (wait > BACKOFF_MAX)
		wait = BACKOFF_MAX;
	wait *= 0.5 + jitter01() / 2;
	if (retry_after > AFTER_MAX)
		retry_after = AFTER_MAX;
	if (retry_after > wait)
		wait = retry_after;
	t->attempts++;
	t->next_try = ts_add(mono_now(), wait);
	atomic_fetch_add(&n->retries, 1);
	if (!t->down)
		log_warnx("webhook '%s': %s; retrying in %.1f s", t->w->name,
		    why, wait);
	else
		log_debug("webhook '%s': %s; next try in %.1f s", t->w->name,
		    why, wait);
	t->down = 1;
	t->nfold = 0;
	json_decref(t->batch);
	t->batch = NULL;
}

static void
delivered(struct notify *n, struct target *t)
{
	size_t i, k = t->nfold;

	if (t->kind == REQ_EVENTS && t->batch != NULL &&
	    am_accepted(n, t) == -1) {
		retry_later(n, t, "cannot save the active alerts", 0);
		return;
	}
	for (i = 0; i < k; i++)
		outbox_remove(n->c->state_dir, t->w->name, t->fold[i]);
	atomic_fetch_add(&n->sent, k);
	if (k > 1 && t->w->format != FMT_ALERTMANAGER)
		atomic_fetch_add(&n->digests, 1);
	if (t->kind == REQ_RESEND)
		t->next_resend = ts_add(mono_now(), t->w->resend);
	if (t->down)
		log_info("webhook '%s': delivering again", t->w->name);
	t->down = 0;
	t->attempts = 0;
	json_decref(t->batch);
	t->batch = NULL;
	pop(n, t, k);
}

/* A 2xx from a chat API may still say no, in its body. */
static enum verdict
chat_verdict(const struct target *t, double *wait, char *why, size_t len)
{
	enum wh_format f = t->w->format;
	json_t *j, *c;
	long code;

	if (f != FMT_DINGTALK && f != FMT_WECOM && f != FMT_FEISHU)
		return V_OK;
	j = json_loads(t->reply, 0, NULL);
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
finish_ok(struct notify *n, struct target *t)
{
	char why[REPLY_MAX + 64];
	double wait;

	switch (chat_verdict(t, &wait, why, sizeof(why))) {
	case V_OK:
		delivered(n, t);
		break;
	case V_RETRY:
		retry_later(n, t, why, wait);
		break;
	case V_DEAD:
		strncat(why, "\n", sizeof(why) - strlen(why) - 1);
		bury(n, t, t->nfold, why);
		break;
	}
}

static void
finish(struct notify *n, struct target *t, CURLcode rc)
{
	curl_off_t after = 0;
	long code = 0;
	char why[REPLY_MAX + 64];

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(t->easy, CURLINFO_RETRY_AFTER, &after);
	forget(n, t);
	if (rc != CURLE_OK) {
		snprintf(why, sizeof(why), "%s", t->cerr[0] ? t->cerr :
		    curl_easy_strerror(rc));
		retry_later(n, t, why, 0);
	} else if (code >= 200 && code < 300) {
		finish_ok(n, t);
	} else if (code >= 400 && code < 500 && code != 408 && code != 429 &&
	    t->kind == REQ_EVENTS) {
		snprintf(why, sizeof(why), "HTTP %ld: %s\n", code, t->reply);
		json_decref(t->batch);
		t->batch = NULL;
		bury(n, t, t->nfold, why);
	} else {
		snprintf(why, sizeof(why), "HTTP %ld", code);
		retry_later(n, t, why, (double)after);
	}
}

/* Start T's next request if it is idle and due; 1: call again. */
static int
kick(struct notify *n, struct target *t, struct timespec now)
{
	if (t->easy != NULL || ts_diff(now, t->next_try) < 0 ||
	    !rl_allows(t, now, &t->next_try))
		return 0;
	return t->w->format == FMT_ALERTMANAGER ? kick_am(n, t) :
	    kick_chat(n, t);
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
		if (t->easy != NULL)
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
	struct target *t;
	CURLMsg *m;
	int left, done = 0;

	while ((m = curl_multi_info_read(n->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&t);
		finish(n, t, m->data.result);
		done++;
	}
	return done;
}

static void *
run(void *arg)
{
	struct notify *n = arg;
	size_t i, again;
	int running;

	while (!atomic_load(&n->stop)) {
		for (i = 0; i < n->nt; i++)
			for (again = 0; again < 1000 &&
			    kick(n, &n->t[i], mono_now()); again++)
				;
		curl_multi_perform(n->multi, &running);
		if (reap(n) > 0)
			continue;	/* a target is free: its next one now */
		curl_multi_poll(n->multi, NULL, 0, (int)poll_ms(n), NULL);
	}
	for (i = 0; i < n->nt; i++)
		if (n->t[i].easy != NULL)
			forget(n, &n->t[i]);
	return NULL;
}

/* T's URL, its queue from the outbox on disk, its active alerts. */
static void
target_init(struct notify *n, struct target *t, const struct conf_webhook *w)
{
	const char *dir = n->c->state_dir;
	size_t len = strlen(w->url) + sizeof(AM_PATH), dead;

	t->w = w;
	t->next_try = t->next_resend = mono_now();
	if ((t->url = malloc(len)) == NULL || (w->rate_limit > 0 &&
	    (t->rl = calloc((size_t)w->rate_limit, sizeof(*t->rl))) == NULL))
		fatal("notify");
	snprintf(t->url, len, "%s", w->url);
	if (w->format == FMT_ALERTMANAGER) {
		t->url[strcspn(t->url, "?#")] = '\0';
		while (len = strlen(t->url), len > 0 && t->url[len - 1] == '/')
			t->url[len - 1] = '\0';
		strcat(t->url, AM_PATH);
	}
	if (outbox_scan(dir, w->name, &t->q.v, &t->q.len) == -1)
		fatal("webhook '%s': outbox", w->name);
	t->q.cap = t->q.len;
	if (t->q.len > 0)
		log_info("webhook '%s': %zu events in the outbox to "
		    "deliver", w->name, t->q.len);
	if ((dead = outbox_dead_count(dir, w->name)) > 0)
		log_warnx("webhook '%s': %zu events in %s/deadletter/%s/ "
		    "(refused earlier)", w->name, dead, dir, w->name);
	if (w->format == FMT_ALERTMANAGER)
		am_load(n, t);
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
	n->ptail = &n->pending;
	pthread_mutex_init(&n->pmu, NULL);
	pthread_mutex_init(&n->mu, NULL);
	for (i = 0; i < n->nt; i++)
		target_init(n, &n->t[i], &c->webhooks[i]);
	if ((n->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	if (pthread_create(&n->thr, NULL, run, n) != 0)
		fatal("notify thread");
	return n;
}

/* Write EV for target I; 0, or -1 with err filled. */
static int
put_one(struct notify *n, size_t i, const char *text, const char *id,
    int force, char err[LW_ERRLEN])
{
	struct target *t = &n->t[i];
	char name[OUTBOX_NAME_MAX];
	size_t len;

	pthread_mutex_lock(&n->mu);
	len = t->q.len;
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
	pthread_mutex_lock(&n->mu);
	if (names_push(&t->q, name) == -1)
		fatal("notify");
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
	size_t i;

	json_decref(j);
	if (text == NULL) {
		snprintf(err, LW_ERRLEN, "event '%s' cannot be put in JSON",
		    ev->id);
		return -1;
	}
	for (i = 0; i < n->nt; i++)
		if ((*todo & (1ULL << i)) &&
		    put_one(n, i, text, ev->id, force, err) == 0)
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
	for (i = 0; i < n->nt; i++) {
		names_free(&n->t[i].q);
		json_decref(n->t[i].active);
		json_decref(n->t[i].batch);
		free(n->t[i].url);
		free(n->t[i].rl);
	}
	pthread_mutex_destroy(&n->mu);
	pthread_mutex_destroy(&n->pmu);
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
		st->depth += n->t[i].q.len;
	pthread_mutex_unlock(&n->mu);
}
