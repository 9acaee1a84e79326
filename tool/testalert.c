/*
 * testalert.c: lakewatch test-alert: one clearly marked test event
 * through each webhook, built as the daemon builds it (body from
 * lib/format.c, DingTalk's signed URL and keyword, Feishu's signed body,
 * lakewatch's own X-Lakewatch-Signature, mentions), and the receiver's
 * answer shown: HTTP status, body and, for the chat APIs, what their
 * error code means. One request per webhook, no retry, no outbox.
 */
#include <curl/curl.h>
#include <jansson.h>

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/event.h"
#include "../lib/format.h"
#include "../lib/sign.h"
#include "../lib/util.h"
#include "tool.h"

#define TA_REPLY_MAX	4096	/* of a receiver's answer we show */
#define TA_HOLD		300	/* s an Alertmanager keeps the test alert */

struct ta_reply {
	char	buf[TA_REPLY_MAX];
	size_t	len;
};

/* What a chat API's error code means to the person who set it up. */
static const struct {
	enum wh_format	 fmt;
	long		 code;
	const char	*means;
} ta_codes[] = {
	{ FMT_DINGTALK, 310000, "the robot's security settings refused it: "
	    "wrong signature (secret, or the gateway's clock), the message "
	    "lacks the robot's custom keyword, or this IP is not in its "
	    "allow-list" },
	{ FMT_DINGTALK, 300001, "no such robot: the access_token is wrong "
	    "or the robot was removed" },
	{ FMT_DINGTALK, 130101, "sending too fast: more than 20 messages a "
	    "minute; DingTalk holds the robot for about 10 minutes" },
	{ FMT_DINGTALK, 460101, "the message is too long (20000 bytes)" },
	{ FMT_DINGTALK, 90030, "the robot's call quota is used up" },
	{ FMT_WECOM, 93000, "no such robot: the key= in the URL is wrong or "
	    "the robot was removed" },
	{ FMT_WECOM, 45009, "sending too fast: more than 20 messages a "
	    "minute" },
	{ FMT_FEISHU, 19021, "bad signature: wrong secret, or the "
	    "gateway's clock is more than an hour off" },
	{ FMT_FEISHU, 19022, "this IP is not in the bot's allow-list" },
	{ FMT_FEISHU, 19024, "the message lacks the bot's custom keyword" },
	{ FMT_FEISHU, 11232, "sending too fast" },
};

/* The meaning of CODE from a FMT receiver; NULL if we know none. */
static const char *
ta_meaning(enum wh_format fmt, long code)
{
	size_t i;

	for (i = 0; i < sizeof(ta_codes) / sizeof(ta_codes[0]); i++)
		if (ta_codes[i].fmt == fmt && ta_codes[i].code == code)
			return ta_codes[i].means;
	return NULL;
}

/*
 * The test event: kind "test", firing (so mentions apply), the first
 * sensor's site and parameter so the message looks as a real one would,
 * and no value: nothing was measured.
 */
static void
ta_event(const struct conf *c, time_t now, struct event *ev)
{
	const struct conf_sensor *s = c->nsensor > 0 ? &c->sensors[0] : NULL;
	char host[64] = "";

	memset(ev, 0, sizeof(*ev));
	gethostname(host, sizeof(host) - 1);
	snprintf(ev->id, sizeof(ev->id), "lakewatch-test:test:%lld",
	    (long long)now);
	snprintf(ev->sensor, sizeof(ev->sensor), "%s", s ? s->name :
	    "lakewatch-test");
	snprintf(ev->site, sizeof(ev->site), "%s", s && s->site ? s->site :
	    "lakewatch");
	snprintf(ev->kind, sizeof(ev->kind), "test");
	snprintf(ev->severity, sizeof(ev->severity), "warning");
	ev->firing = 1;
	ev->parameter = s ? s->parameter : PARAM_TP;
	ev->value = NAN;
	ev->limit = NAN;
	ev->decimals = s ? s->decimals : 3;
	ev->target_class = s ? s->target_class : 0;
	ev->water_body = s ? s->water_body : WATER_LAKE;
	ev->observed_at = ev->started_at = now;
	snprintf(ev->message, sizeof(ev->message), "TEST ALERT sent by "
	    "`lakewatch test-alert` on %s: nothing was measured, nothing to "
	    "do. 测试消息，请忽略。", host);
}

/* Alertmanager: a one-alert array that ends by itself after TA_HOLD. */
static char *
ta_am_body(const struct conf_webhook *w, const json_t *ev, time_t now)
{
	json_t *arr, *a;
	char ends[32], *body;

	if ((a = format_am_alert(ev, w->generator_url)) == NULL)
		return NULL;
	fmt_rfc3339(now + TA_HOLD, ends, sizeof(ends));
	json_object_set_new(a, "endsAt", json_string(ends));
	arr = json_array();
	json_array_append_new(arr, a);
	body = format_dump(arr);
	json_decref(arr);
	return body;
}

static char *
ta_body(const struct conf_webhook *w, json_t *ev, time_t now)
{
	struct fmt_opts o = { w->format, w->msgtype == MSG_MARKDOWN,
	    w->secret, now, &w->mention, w->keyword };
	size_t folded;

	if (w->format == FMT_ALERTMANAGER)
		return ta_am_body(w, ev, now);
	return format_message(&ev, 1, &o, &folded);
}

/*
 * Where to POST: Alertmanager's API path under its base URL; DingTalk
 * with a secret signs the URL (timestamp in ms, as notify.c does).
 */
static char *
ta_url(const struct conf_webhook *w, long long now_ms)
{
	char *out;
	size_t len = strlen(w->url) + 128;

	if ((out = malloc(len)) == NULL)
		return NULL;
	snprintf(out, len, "%s", w->url);
	if (w->format == FMT_ALERTMANAGER) {
		out[strcspn(out, "?#")] = '\0';
		while (strlen(out) > 0 && out[strlen(out) - 1] == '/')
			out[strlen(out) - 1] = '\0';
		strcat(out, "/api/v2/alerts");
	} else if (w->format == FMT_DINGTALK && w->secret != NULL) {
		free(out);
		return sign_dingtalk_url(w->url, w->secret, now_ms);
	}
	return out;
}

/* json and slack with a secret: X-Lakewatch-Signature as notify.c signs. */
static struct curl_slist *
ta_sign(struct curl_slist *h, const char *secret, long long now,
    const char *body)
{
	char buf[128], sig[80];

	sign_body(secret, now, body, sig, sizeof(sig));
	snprintf(buf, sizeof(buf), "X-Lakewatch-Timestamp: %lld", now);
	h = curl_slist_append(h, buf);
	snprintf(buf, sizeof(buf), "X-Lakewatch-Signature: %s", sig);
	return curl_slist_append(h, buf);
}

static struct curl_slist *
ta_headers(const struct conf_webhook *w, const char *id, const char *body,
    long long now)
{
	struct curl_slist *h = NULL;
	char buf[EVENT_ID_MAX + 64];

	h = curl_slist_append(h, "Content-Type: application/json; "
	    "charset=utf-8");
	h = curl_slist_append(h, "Expect:");
	snprintf(buf, sizeof(buf), "Idempotency-Key: %s", id);
	h = curl_slist_append(h, buf);
	snprintf(buf, sizeof(buf), "X-Lakewatch-Event-Ids: %s", id);
	h = curl_slist_append(h, buf);
	h = curl_slist_append(h, "X-Lakewatch-Test: 1");
	if (w->secret != NULL && (w->format == FMT_JSON ||
	    w->format == FMT_SLACK))
		h = ta_sign(h, w->secret, now, body);
	return h;
}

static size_t
ta_on_reply(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct ta_reply *r = arg;
	size_t n = size * nmemb, room = sizeof(r->buf) - 1 - r->len;

	memcpy(r->buf + r->len, ptr, n < room ? n : room);
	r->len += n < room ? n : room;
	r->buf[r->len] = '\0';
	return n;
}

/* POST BODY to URL with W's timeout and CA; the HTTP code, or -1. */
static long
ta_post(const struct conf_webhook *w, const char *url, const char *body,
    struct curl_slist *h, struct ta_reply *r, char *cerr)
{
	CURL *e;
	CURLcode rc;
	long code = 0;

	if ((e = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	sign_curl_opts(e, w);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, ta_on_reply);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, cerr);
	if ((rc = curl_easy_perform(e)) != CURLE_OK) {
		if (cerr[0] == '\0')
			snprintf(cerr, CURL_ERROR_SIZE, "%s",
			    curl_easy_strerror(rc));
		code = -1;
	} else
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(e);
	return code;
}

/*
 * A 2xx from DingTalk, WeCom or Feishu may still refuse, in its JSON:
 * print the code, the API's message and what it means; 0 if accepted.
 */
static int
ta_chat_verdict(enum wh_format fmt, const char *reply)
{
	const char *ck = fmt == FMT_FEISHU ? "code" : "errcode";
	const char *mk = fmt == FMT_FEISHU ? "msg" : "errmsg", *msg, *means;
	json_t *j = json_loads(reply, 0, NULL), *c;
	long code;

	c = json_object_get(j, ck);
	if (!json_is_integer(c)) {
		printf("  no %s in the answer: not a %s API?\n", ck,
		    conf_format_name(fmt));
		json_decref(j);
		return 1;
	}
	code = (long)json_integer_value(c);
	msg = json_string_value(json_object_get(j, mk));
	means = ta_meaning(fmt, code);
	printf("  %s %ld: %s%s%s\n", ck, code, msg ? msg : "",
	    means ? "\n  means: " : "", means ? means : "");
	json_decref(j);
	return code != 0;
}

/* Send the test event EV through W and report; 0 if it was accepted. */
static int
ta_send(const struct conf_webhook *w, json_t *ev)
{
	char cerr[CURL_ERROR_SIZE] = "", shown[2048];
	double now = wall_now();
	struct ta_reply r = { "", 0 };
	struct curl_slist *h;
	char *body, *url;
	long code;
	int bad;

	body = ta_body(w, ev, (time_t)now);
	url = ta_url(w, (long long)(now * 1000));
	if (body == NULL || url == NULL) {
		fprintf(stderr, "lakewatch: webhook '%s': cannot build the "
		    "request\n", w->name);
		free(body);
		free(url);
		return 1;
	}
	h = ta_headers(w, json_string_value(json_object_get(ev, "event_id")),
	    body, (long long)now);
	printf("webhook '%s' (%s) %s\n", w->name, conf_format_name(w->format),
	    url_masked(url, shown, sizeof(shown)));
	code = ta_post(w, url, body, h, &r, cerr);
	curl_slist_free_all(h);
	free(body);
	free(url);
	if (code < 0) {
		printf("  not sent: %s\n  REFUSED\n", cerr);
		return 1;
	}
	printf("  HTTP %ld%s%.*s\n", code, r.len ? ": " : "", (int)r.len,
	    r.buf);
	bad = code < 200 || code >= 300;
	if (!bad && (w->format == FMT_DINGTALK || w->format == FMT_WECOM ||
	    w->format == FMT_FEISHU))
		bad = ta_chat_verdict(w->format, r.buf);
	printf("  %s\n", bad ? "REFUSED" : "accepted");
	return bad;
}

void
tool_test_alert_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch test-alert -c FILE [--webhook NAME]\n");
}

/* Every webhook of C, or the one called ONLY; exit status 0 if all took it. */
static int
ta_run(const struct conf *c, const char *only)
{
	struct event e;
	json_t *ev;
	size_t i, n = 0;
	int bad = 0;

	ta_event(c, (time_t)wall_now(), &e);
	if ((ev = format_event_record(&e)) == NULL)
		return 1;
	for (i = 0; i < c->nwebhook; i++) {
		if (only != NULL && strcmp(only, c->webhooks[i].name) != 0)
			continue;
		bad |= ta_send(&c->webhooks[i], ev);
		n++;
	}
	json_decref(ev);
	if (n == 0) {
		fprintf(stderr, "lakewatch: %s: %s%s%s\n", c->path,
		    only ? "no webhook '" : "no [webhook] section",
		    only ? only : "", only ? "'" : "");
		return 1;
	}
	return bad;
}

/*
 * lakewatch test-alert -c FILE [--webhook NAME]: 0 if every webhook
 * accepted, 1 if one refused or could not be reached (or none matched).
 */
int
tool_test_alert(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "webhook", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = NULL, *only = NULL;
	char err[LW_ERRLEN];
	struct conf *c;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:w:", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 'w': only = optarg; break;
		default: tool_test_alert_usage(stderr); return EX_USAGE;
		}
	}
	if (file == NULL || optind != argc) {
		tool_test_alert_usage(stderr);
		return EX_USAGE;
	}
	if ((c = conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return conf_exit_status(file);
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = ta_run(c, only);
	curl_global_cleanup();
	conf_free(c);
	return rc;
}
