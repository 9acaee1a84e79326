/*
 * chat.c: chat webhooks (DingTalk, WeCom, Feishu, Slack) under a rate
 * limit: one request at a time from the head of the queue, a digest of
 * up to FOLD_MAX events when more wait than the limit lets through; and
 * the verdict a chat API gives in the body of a 2xx (any chat webhook).
 */
#include <string.h>

#include "../lib/format.h"
#include "../lib/log.h"
#include "../lib/util.h"
#include "notifyint.h"

#define THROTTLED	60.0	/* wait after "send too fast", s */

/* Chat formats: fold when more wait than the rate limit lets through. */
static size_t
want_fold(const struct target *t, size_t k, size_t wait)
{
	enum wh_format f = t->w->format;

	if (f == FMT_JSON || f == FMT_ALERTMANAGER || t->w->rate_limit == 0)
		return 1;
	return wait > deliver_rate_free(&t->d, mono_now()) ? k : 1;
}

int
chat_kick(struct notify *n, struct target *t)
{
	struct req *r = &t->req[0];
	json_t *ev[FOLD_MAX];
	size_t wait, k, got;
	int rc;

	if ((k = notify_take_head(n, t, r, FOLD_MAX, &wait)) == 0)
		return 0;
	if ((got = notify_load(n, t, r->fold, want_fold(t, k, wait),
	    ev)) == 0) {
		notify_unreadable(n, t, r->fold[0]);
		return 1;
	}
	rc = notify_send(n, r, ev, got);
	notify_free_events(ev, got);
	if (rc == -1) {
		notify_unreadable(n, t, r->fold[0]);
		return 1;
	}
	return 0;
}

enum verdict
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
