/*
 * test_notify_payload.c: the receiver payloads of format.c (DOMAIN.md 4):
 * shapes, UTF-8, size limits, digests, signatures, alertmanager alerts.
 * Signature vectors were computed with Python's hmac module, not with
 * the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../daemon/notify.h"
#include "../../lib/format.h"
#include "../../lib/sign.h"
#include "../../lib/util.h"

#define T0	1795680000	/* 2026-11-26T08:00:00Z = 16:00 Beijing */
#define SITE	"长荡湖湖心"
#define HU	"湖"		/* 3 bytes of UTF-8 */

static json_t *
record(const char *id, int firing, const char *site)
{
	struct event ev;
	json_t *j;

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.id, sizeof(ev.id), "%s", id);
	snprintf(ev.sensor, sizeof(ev.sensor), "centre-tp");
	snprintf(ev.site, sizeof(ev.site), "%s", site);
	snprintf(ev.kind, sizeof(ev.kind), "threshold");
	snprintf(ev.severity, sizeof(ev.severity), "critical");
	snprintf(ev.unit, sizeof(ev.unit), "mg/L");
	snprintf(ev.message, sizeof(ev.message), "%s TP 0.061 mg/L exceeds "
	    "Class III limit 0.05 mg/L (Class IV)", site);
	ev.firing = firing;
	ev.parameter = PARAM_TP;
	ev.value = firing ? 0.061 : 0.03;
	ev.decimals = 3;
	ev.limit = 0.05;
	ev.cls = firing ? 4 : 3;
	ev.target_class = 3;
	ev.water_body = WATER_LAKE;
	ev.observed_at = T0 + 300;
	ev.started_at = T0;
	j = format_event_record(&ev);
	assert_non_null(j);
	return j;
}

/* The body of the message for EV[0..N-1] as parsed JSON. */
static json_t *
message(json_t *const *ev, size_t n, enum wh_format fmt, int md,
    const char *secret, size_t *folded)
{
	struct fmt_opts o = { fmt, md, secret, T0, NULL, NULL };
	json_error_t jerr;
	size_t k = 0;
	char *body;
	json_t *p;

	body = format_message(ev, n, &o, &k);
	assert_non_null(body);
	if (format_body_limit(fmt) > 0)
		assert_true(strlen(body) <= format_body_limit(fmt));
	p = json_loads(body, 0, &jerr);	/* fails on broken UTF-8 too */
	if (p == NULL)
		fail_msg("not JSON: %s: %s", jerr.text, body);
	free(body);
	if (folded != NULL)
		*folded = k;
	else
		assert_int_equal(k, 1);
	return p;
}

/* The string at PATH ("a.b.c") in J, which must exist. */
static const char *
at(const json_t *j, const char *path)
{
	char buf[128], *key, *save = NULL;
	const json_t *v = j;

	snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key != NULL;
	    key = strtok_r(NULL, ".", &save))
		v = json_object_get(v, key);
	if (!json_is_string(v))
		fail_msg("%s: missing or not a string", path);
	return json_string_value(v);
}

static void
has(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("'%s' not in:\n%s", needle, hay);
}

/* What a Chinese operator reads, in every chat body. */
static void
readable(const char *text, int firing)
{
	has(text, SITE);
	has(text, "总磷(TP)");
	has(text, firing ? "0.061 mg/L" : "0.030 mg/L");
	has(text, firing ? "Ⅳ类" : "Ⅲ类");
	has(text, "目标: Ⅲ类, 限值 0.05 mg/L");
	has(text, firing ? "触发 FIRING" : "恢复 RESOLVED");
	has(text, "2026-11-26 16:05:00 北京时间");
	has(text, "centre-tp:threshold:1");
}

static void
test_dingtalk(void **state)
{
	json_t *ev = record("centre-tp:threshold:1", 1, SITE), *p;

	(void)state;
	p = message(&ev, 1, FMT_DINGTALK, 0, NULL, NULL);
	assert_string_equal(at(p, "msgtype"), "text");
	readable(at(p, "text.content"), 1);
	assert_true(json_is_false(json_object_get(json_object_get(p, "at"),
	    "isAtAll")));
	json_decref(p);
	p = message(&ev, 1, FMT_DINGTALK, 1, "SECx", NULL);
	assert_string_equal(at(p, "msgtype"), "markdown");
	readable(at(p, "markdown.text"), 1);
	has(at(p, "markdown.text"), "#### 【触发 FIRING】");
	has(at(p, "markdown.text"), "**0.061 mg/L**");
	has(at(p, "markdown.title"), SITE);
	/* DingTalk signs in the URL, never in the body */
	assert_null(json_object_get(p, "sign"));
	assert_null(json_object_get(p, "timestamp"));
	json_decref(p);
	json_decref(ev);
}

static void
test_wecom(void **state)
{
	json_t *ev = record("centre-tp:threshold:1", 0, SITE), *p;

	(void)state;
	p = message(&ev, 1, FMT_WECOM, 0, NULL, NULL);
	assert_string_equal(at(p, "msgtype"), "text");
	readable(at(p, "text.content"), 0);
	json_decref(p);
	p = message(&ev, 1, FMT_WECOM, 1, NULL, NULL);
	assert_string_equal(at(p, "msgtype"), "markdown");
	readable(at(p, "markdown.content"), 0);
	has(at(p, "markdown.content"), "<font color=\"info\">");
	assert_int_equal(json_object_size(p), 2);
	json_decref(p);
	json_decref(ev);
}

static void
test_feishu_and_slack(void **state)
{
	json_t *ev = record("centre-tp:threshold:1", 1, SITE), *p;

	(void)state;
	p = message(&ev, 1, FMT_FEISHU, 0, NULL, NULL);
	assert_string_equal(at(p, "msg_type"), "text");
	readable(at(p, "content.text"), 1);
	assert_null(json_object_get(p, "sign"));
	json_decref(p);
	/* python: b64(hmac(key=T+"\n"+secret, msg="")) */
	p = message(&ev, 1, FMT_FEISHU, 0, "feishu-secret", NULL);
	assert_string_equal(at(p, "timestamp"), "1795680000");
	assert_string_equal(at(p, "sign"),
	    "cIBF2yq/uJqpOzglIVcXfWi4GEDBqNgG9RGv7K++EQg=");
	json_decref(p);
	p = message(&ev, 1, FMT_SLACK, 0, NULL, NULL);
	assert_int_equal(json_object_size(p), 1);
	readable(at(p, "text"), 1);
	has(at(p, "text"), "*【触发 FIRING】");
	json_decref(p);
	json_decref(ev);
}

/* json: DESIGN.md 5 and severity (decimals stays in the outbox record) */
static void
test_json_and_record(void **state)
{
	json_t *ev = record("centre-tp:threshold:1", 1, SITE), *p;

	(void)state;
	assert_string_equal(at(ev, "severity"), "critical");
	p = message(&ev, 1, FMT_JSON, 0, NULL, NULL);
	assert_int_equal(json_object_size(p), 17);
	assert_string_equal(at(p, "severity"), "critical");
	assert_string_equal(at(p, "site"), SITE);
	assert_true(fabs(json_number_value(json_object_get(p, "value")) -
	    0.061) < 1e-12);
	assert_int_equal(json_integer_value(json_object_get(ev, "decimals")),
	    3);
	json_object_del(ev, "decimals");
	assert_true(json_equal(p, ev));
	json_decref(p);
	json_decref(ev);
}

static void
test_utf8_cut(void **state)
{
	(void)state;
	assert_int_equal(format_utf8_cut("abc", 10), 3);
	assert_int_equal(format_utf8_cut("abc", 2), 2);
	assert_int_equal(format_utf8_cut(HU HU, 6), 6);
	assert_int_equal(format_utf8_cut(HU HU, 5), 3);
	assert_int_equal(format_utf8_cut(HU HU, 4), 3);
	assert_int_equal(format_utf8_cut(HU HU, 3), 3);
	assert_int_equal(format_utf8_cut(HU HU, 2), 0);
	assert_int_equal(format_utf8_cut("a" HU, 3), 1);
	assert_int_equal(format_utf8_cut("\xf0\x9f\x8c\x8a!", 3), 0);
}

/* A record whose message is LEN bytes of 湖 (plus "x" to shift it). */
static json_t *
long_record(size_t len, int shift)
{
	json_t *ev = record("centre-tp:threshold:9", 1, SITE);
	char *m = malloc(len + 2);
	size_t i;

	assert_non_null(m);
	i = 0;
	if (shift)
		m[i++] = 'x';
	for (; i + 3 <= len; i += 3)
		memcpy(m + i, HU, 3);
	m[i] = '\0';
	json_object_set_new(ev, "message", json_string(m));
	free(m);
	return ev;
}

static void
truncated(enum wh_format fmt, int md, const char *key, size_t max)
{
	json_t *ev, *p;
	const char *s;
	size_t n;
	int shift;

	for (shift = 0; shift < 2; shift++) {
		ev = long_record(30000, shift);
		p = message(&ev, 1, fmt, md, NULL, NULL);
		s = at(p, key);
		n = strlen(s);
		assert_true(n <= max);
		/* cut, not dropped; a body limit leaves room for the rest */
		assert_true(n > max - (format_body_limit(fmt) ? 400 : 16));
		assert_memory_equal(s + n - 3, "\xe2\x80\xa6", 3);
		has(s, SITE);		/* the head survives */
		json_decref(p);
		json_decref(ev);
	}
}

static void
test_size_limits(void **state)
{
	(void)state;
	assert_int_equal(format_text_limit(FMT_WECOM, 0), 2048);
	assert_int_equal(format_text_limit(FMT_WECOM, 1), 4096);
	assert_int_equal(format_body_limit(FMT_DINGTALK), 20000);
	truncated(FMT_WECOM, 0, "text.content", 2048);
	truncated(FMT_WECOM, 1, "markdown.content", 4096);
	/* DingTalk's 20000 is the whole body: message() checks it */
	truncated(FMT_DINGTALK, 0, "text.content", 20000);
	truncated(FMT_DINGTALK, 1, "markdown.text", 20000);
	truncated(FMT_FEISHU, 0, "content.text", 20000);
	truncated(FMT_SLACK, 0, "text", 3000);
}

static void
storm(json_t **ev, size_t n, size_t resolved)
{
	char id[64];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "s%zu-tp:threshold:%zu", i, i + 1);
		ev[i] = record(id, i >= n - resolved ? 0 : 1, SITE);
	}
}

static void
test_digest(void **state)
{
	json_t *ev[12], *p;
	const char *s;
	size_t k, i;
	char id[64];

	(void)state;
	storm(ev, 12, 4);
	p = message(ev, 12, FMT_WECOM, 0, NULL, &k);
	assert_int_equal(k, 12);
	s = at(p, "text.content");
	assert_true(strlen(s) <= 2048);
	has(s, "12 alerts: 8 firing, 4 resolved");
	has(s, "12 条告警: 8 触发, 4 恢复");
	for (i = 0; i < 12; i++) {
		snprintf(id, sizeof(id), "[s%zu-tp:threshold:%zu]", i, i + 1);
		has(s, id);
	}
	json_decref(p);
	p = message(ev, 12, FMT_DINGTALK, 1, NULL, &k);
	assert_int_equal(k, 12);
	has(at(p, "markdown.title"), "12");
	has(at(p, "markdown.text"), "- 触发 11-26 16:05:00 " SITE);
	json_decref(p);
	/* json receivers get every event on its own */
	p = message(ev, 12, FMT_JSON, 0, NULL, &k);
	assert_int_equal(k, 1);
	assert_string_equal(at(p, "event_id"), "s0-tp:threshold:1");
	json_decref(p);
	for (i = 0; i < 12; i++)
		json_decref(ev[i]);
}

/* More than fit: fold as many as the limit takes, name only those. */
static void
test_digest_overflow(void **state)
{
	json_t *ev[60], *p;
	const char *s;
	size_t k, i;
	char id[64], head[64];

	(void)state;
	storm(ev, 60, 0);
	p = message(ev, 60, FMT_WECOM, 0, NULL, &k);
	s = at(p, "text.content");
	assert_true(k > 3 && k < 60);
	assert_true(strlen(s) <= 2048);
	snprintf(head, sizeof(head), "(%zu alerts: %zu firing, 0 resolved)",
	    k, k);
	has(s, head);
	for (i = 0; i < k; i++) {
		snprintf(id, sizeof(id), "[s%zu-tp:threshold:%zu]", i, i + 1);
		has(s, id);
	}
	snprintf(id, sizeof(id), "[s%zu-tp:threshold:%zu]", k, k + 1);
	assert_null(strstr(s, id));
	json_decref(p);
	/* a bad record stops the fold before it */
	json_object_del(ev[5], "event_id");
	p = message(ev, 60, FMT_WECOM, 1, NULL, &k);
	assert_int_equal(k, 5);
	json_decref(p);
	for (i = 0; i < 60; i++)
		json_decref(ev[i]);
}

static void
test_signatures(void **state)
{
	char sig[64], *url;

	(void)state;
	/* python: b64(hmac(key=secret, msg=ts_ms+"\n"+secret)) */
	format_dingtalk_sign("SEC0123456789abcdef", 1795680000000LL, sig,
	    sizeof(sig));
	assert_string_equal(sig,
	    "7VLRjiliF3Yert24DOOvaPCQ4N5pbJcG8z6FYuBFPzw=");
	url = sign_dingtalk_url("https://oapi.dingtalk.com/robot/send?"
	    "access_token=abc", "SEC0123456789abcdef", 1795680000003LL);
	assert_non_null(url);
	assert_string_equal(url, "https://oapi.dingtalk.com/robot/send?"
	    "access_token=abc&timestamp=1795680000003&sign="
	    "sKOPsSmfpkf2CFo46h%2BPaFVT%2FXRIDxMCa3KGBIg5sA0%3D");
	free(url);
	url = sign_dingtalk_url("http://127.0.0.1:1/hook", "SEC0123456789"
	    "abcdef", 1795680000000LL);
	assert_string_equal(url, "http://127.0.0.1:1/hook?timestamp="
	    "1795680000000&sign=7VLRjiliF3Yert24DOOvaPCQ4N5pbJcG8z6FYuBFPzw"
	    "%3D");
	free(url);
	format_feishu_sign("feishu-secret", T0, sig, sizeof(sig));
	assert_string_equal(sig,
	    "cIBF2yq/uJqpOzglIVcXfWi4GEDBqNgG9RGv7K++EQg=");
}

static void
test_alertmanager(void **state)
{
	json_t *ev = record("centre-tp:warn:3", 1, SITE), *a, *l, *an;
	char key[64];

	(void)state;
	json_object_set_new(ev, "severity", json_string("warning"));
	a = format_am_alert(ev, "http://127.0.0.1/x");
	assert_non_null(a);
	l = json_object_get(a, "labels");
	assert_int_equal(json_object_size(l), 6);
	assert_string_equal(at(l, "alertname"), "LakewatchThreshold");
	assert_string_equal(at(l, "sensor"), "centre-tp");
	assert_string_equal(at(l, "site"), SITE);
	assert_string_equal(at(l, "parameter"), "tp");
	assert_string_equal(at(l, "kind"), "threshold");
	assert_string_equal(at(l, "severity"), "warning");
	an = json_object_get(a, "annotations");
	has(at(an, "summary"), "exceeds Class III limit");
	assert_string_equal(at(an, "value"), "0.061");
	json_object_set_new(ev, "value", json_real(0.03));
	json_decref(a);
	a = format_am_alert(ev, "http://127.0.0.1/x");
	an = json_object_get(a, "annotations");
	assert_string_equal(at(an, "value"), "0.030");
	assert_string_equal(at(an, "limit"), "0.05");
	assert_string_equal(at(an, "class"), "IV");
	assert_string_equal(at(an, "target_class"), "III");
	assert_string_equal(at(an, "unit"), "mg/L");
	assert_string_equal(at(an, "event_id"), "centre-tp:warn:3");
	has(at(an, "description"), "北京时间");
	assert_string_equal(at(a, "startsAt"), "2026-11-26T08:00:00Z");
	assert_string_equal(at(a, "generatorURL"), "http://127.0.0.1/x");
	assert_null(json_object_get(a, "endsAt"));
	assert_int_equal(format_am_key(ev, key, sizeof(key)), 0);
	assert_string_equal(key, "centre-tp:warn");
	json_decref(a);
	json_object_set_new(ev, "kind", json_string("stale"));
	json_object_set_new(ev, "value", json_null());
	a = format_am_alert(ev, NULL);
	assert_string_equal(at(json_object_get(a, "labels"), "alertname"),
	    "LakewatchStale");
	assert_null(json_object_get(json_object_get(a, "annotations"),
	    "value"));
	assert_null(json_object_get(a, "generatorURL"));
	json_decref(a);
	json_decref(ev);
}

static void
test_times_and_bad_input(void **state)
{
	json_t *bad = json_pack("{s:s}", "message", "x"), *ev;
	struct fmt_opts o = { FMT_WECOM, 0, NULL, T0, NULL, NULL };
	const char *why;
	char buf[32];
	size_t k = 7;
	time_t t;

	(void)state;
	format_time_bj(T0, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26 16:00:00");
	format_time_bj(T0 + 9 * 3600, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-27 01:00:00");
	assert_int_equal(parse_rfc3339("2026-11-26T08:00:00Z", &t, &why), 0);
	assert_int_equal(t, T0);
	assert_int_equal(parse_rfc3339("2026-11-26T08:00", &t, &why), -1);
	assert_null(format_message(&bad, 1, &o, &k));
	assert_int_equal(k, 0);
	assert_null(format_am_alert(bad, NULL));
	json_decref(bad);
	/* a site that is not UTF-8 still makes a valid record */
	ev = record("x:threshold:1", 1, "lake\xff\xfe centre");
	assert_string_equal(at(ev, "site"), "lake?? centre");
	json_decref(ev);
	/* overlong, surrogate, beyond U+10FFFF: what jansson refuses too */
	ev = record("x:threshold:1", 1, "a\xc0\xb4" "b\xed\xa0\x80" "c\xf4\x90"
	    "\x80\x80" "d" HU);
	assert_string_equal(at(ev, "site"), "a??b???c????d" HU);
	json_decref(ev);
}

/* mention = 13800000000,all */
static char mobile0[] = "13800000000";
static char *mobiles[] = { mobile0 };
static const struct wh_mention duty = { mobiles, 1, 1 };
#define KW	"水质告警"

/* The body (as sent) of the message for EV[0..N-1] with AT and KW. */
static char *
raw(json_t *const *ev, size_t n, enum wh_format fmt, int md,
    const struct wh_mention *mention, const char *kw)
{
	struct fmt_opts o = { fmt, md, NULL, T0, mention, kw };
	size_t k = 0;
	char *body;

	body = format_message(ev, n, &o, &k);
	assert_non_null(body);
	assert_true(k >= 1);
	if (format_body_limit(fmt) > 0)
		assert_true(strlen(body) <= format_body_limit(fmt));
	return body;
}

/* RAW parsed; valid UTF-8 and JSON or the test fails. Frees RAW. */
static json_t *
parsed(char *body)
{
	json_error_t jerr;
	json_t *p = json_loads(body, 0, &jerr);

	if (p == NULL)
		fail_msg("not JSON: %s: %s", jerr.text, body);
	free(body);
	return p;
}

/* How often NEEDLE occurs in HAY. */
static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* J.KEY is the JSON WANT. */
static void
is_json(const json_t *j, const char *key, const char *want)
{
	json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
	char *got = format_dump(json_object_get(j, key));
	int eq = json_equal(json_object_get(j, key), w);

	json_decref(w);
	if (!eq)
		fail_msg("%s: %s, want %s", key, got ? got : "(missing)",
		    want);
	free(got);
}

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

static void
test_mention_dingtalk(void **state)
{
	json_t *ev = record("centre-tp:threshold:1", 1, SITE), *p;
	char *b;

	(void)state;
	b = raw(&ev, 1, FMT_DINGTALK, 0, &duty, NULL);
	has(b, "\"at\":{\"atMobiles\":[\"13800000000\"],\"isAtAll\":true}");
	p = parsed(b);
	is_json(p, "at", "{\"atMobiles\":[\"13800000000\"],\"isAtAll\":true}");
	readable(at(p, "text.content"), 1);
	/* DingTalk pushes to a mobile only if the text names it */
	assert_true(ends_with(at(p, "text.content"), "\n@13800000000"));
	assert_int_equal(count(at(p, "text.content"), "@13800000000"), 1);
	json_decref(p);
	p = parsed(raw(&ev, 1, FMT_DINGTALK, 1, &duty, NULL));
	is_json(p, "at", "{\"atMobiles\":[\"13800000000\"],\"isAtAll\":true}");
	readable(at(p, "markdown.text"), 1);
	assert_true(ends_with(at(p, "markdown.text"), "\n\n@13800000000"));
	json_decref(p);
	json_decref(ev);
	/* a resolve wakes nobody */
	ev = record("centre-tp:threshold:1", 0, SITE);
	b = raw(&ev, 1, FMT_DINGTALK, 0, &duty, NULL);
	assert_null(strstr(b, "13800000000"));
	p = parsed(b);
	is_json(p, "at", "{\"isAtAll\":false}");
	readable(at(p, "text.content"), 0);
	json_decref(p);
	b = raw(&ev, 1, FMT_DINGTALK, 1, &duty, NULL);
	assert_null(strstr(b, "13800000000"));
	p = parsed(b);
	is_json(p, "at", "{\"isAtAll\":false}");
	json_decref(p);
	json_decref(ev);
}

static void
test_mention_wecom(void **state)
{
	json_t *ev = record("centre-tp:threshold:1", 1, SITE), *p;
	char *b;

	(void)state;
	b = raw(&ev, 1, FMT_WECOM, 0, &duty, NULL);
	has(b, "\"mentioned_mobile_list\":[\"13800000000\",\"@all\"]");
	p = parsed(b);
	is_json(json_object_get(p, "text"), "mentioned_mobile_list",
	    "[\"13800000000\",\"@all\"]");
	assert_int_equal(json_object_size(json_object_get(p, "text")), 2);
	readable(at(p, "text.content"), 1);
	assert_null(strstr(at(p, "text.content"), "13800000000"));
	json_decref(p);
	/* markdown cannot mention (DOMAIN.md 4.2): nothing is added */
	b = raw(&ev, 1, FMT_WECOM, 1, &duty, NULL);
	assert_null(strstr(b, "mentioned"));
	assert_null(strstr(b, "13800000000"));
	p = parsed(b);
	assert_int_equal(json_object_size(p), 2);
	assert_int_equal(json_object_size(json_object_get(p, "markdown")), 1);
	json_decref(p);
	json_decref(ev);
	ev = record("centre-tp:threshold:1", 0, SITE);
	b = raw(&ev, 1, FMT_WECOM, 0, &duty, NULL);
	assert_null(strstr(b, "mentioned"));
	p = parsed(b);
	assert_int_equal(json_object_size(json_object_get(p, "text")), 1);
	readable(at(p, "text.content"), 0);
	json_decref(p);
	json_decref(ev);
}

static void
test_mention_feishu_slack(void **state)
{
	json_t *ev = record("centre-tp:threshold:1", 1, SITE), *p;
	char *b;

	(void)state;
	b = raw(&ev, 1, FMT_FEISHU, 0, &duty, NULL);
	assert_null(strstr(b, "13800000000"));	/* feishu wants user ids */
	p = parsed(b);
	readable(at(p, "content.text"), 1);
	assert_true(ends_with(at(p, "content.text"),
	    "\n<at user_id=\"all\">所有人</at>"));
	assert_int_equal(json_object_size(json_object_get(p, "content")), 1);
	json_decref(p);
	b = raw(&ev, 1, FMT_SLACK, 0, &duty, NULL);
	assert_null(strstr(b, "13800000000"));
	p = parsed(b);
	assert_int_equal(json_object_size(p), 1);
	readable(at(p, "text"), 1);
	assert_true(ends_with(at(p, "text"), "\n<!channel>"));
	json_decref(p);
	json_decref(ev);
	ev = record("centre-tp:threshold:1", 0, SITE);
	b = raw(&ev, 1, FMT_FEISHU, 0, &duty, NULL);
	assert_null(strstr(b, "<at "));
	json_decref(parsed(b));
	b = raw(&ev, 1, FMT_SLACK, 0, &duty, NULL);
	assert_null(strstr(b, "<!channel>"));
	json_decref(parsed(b));
	json_decref(ev);
}

/* json and alertmanager bodies are the event: no mention, no keyword */
static void
test_mention_json(void **state)
{
	json_t *ev = record("centre-tp:threshold:1", 1, SITE);
	char *plain, *b;

	(void)state;
	plain = raw(&ev, 1, FMT_JSON, 0, NULL, NULL);
	b = raw(&ev, 1, FMT_JSON, 0, &duty, KW);
	assert_string_equal(b, plain);
	free(b);
	free(plain);
	json_decref(ev);
}

/* A storm folded into one digest mentions once, if anything fires. */
static void
test_mention_digest(void **state)
{
	json_t *ev[12], *p;
	size_t i;
	char *b;

	(void)state;
	storm(ev, 12, 4);
	p = parsed(raw(ev, 12, FMT_DINGTALK, 0, &duty, NULL));
	has(at(p, "text.content"), "8 firing, 4 resolved");
	assert_int_equal(count(at(p, "text.content"), "@13800000000"), 1);
	assert_true(ends_with(at(p, "text.content"), "\n@13800000000"));
	is_json(p, "at", "{\"atMobiles\":[\"13800000000\"],\"isAtAll\":true}");
	json_decref(p);
	b = raw(ev, 12, FMT_WECOM, 0, &duty, NULL);
	assert_int_equal(count(b, "mentioned_mobile_list"), 1);
	assert_int_equal(count(b, "@all"), 1);
	json_decref(parsed(b));
	b = raw(ev, 12, FMT_SLACK, 0, &duty, NULL);
	assert_int_equal(count(b, "<!channel>"), 1);
	json_decref(parsed(b));
	for (i = 0; i < 12; i++)
		json_decref(ev[i]);
	/* all resolved: nobody */
	storm(ev, 12, 12);
	b = raw(ev, 12, FMT_DINGTALK, 1, &duty, NULL);
	assert_null(strstr(b, "13800000000"));
	p = parsed(b);
	has(at(p, "markdown.text"), "0 firing, 12 resolved");
	is_json(p, "at", "{\"isAtAll\":false}");
	json_decref(p);
	b = raw(ev, 12, FMT_FEISHU, 0, &duty, NULL);
	assert_null(strstr(b, "<at "));
	json_decref(parsed(b));
	for (i = 0; i < 12; i++)
		json_decref(ev[i]);
}

/* The chat text of body P in FMT (MD: markdown). */
static const char *
chat_text(const json_t *p, enum wh_format fmt, int md)
{
	switch (fmt) {
	case FMT_DINGTALK:
		return at(p, md ? "markdown.text" : "text.content");
	case FMT_WECOM:
		return at(p, md ? "markdown.content" : "text.content");
	case FMT_FEISHU:
		return at(p, "content.text");
	default:
		return at(p, "text");
	}
}

static void
keyword_in(json_t *const *ev, size_t n, enum wh_format fmt, int md,
    const char *start)
{
	json_t *p;
	const char *t;
	char *b, *plain, want[128];

	p = parsed(raw(ev, n, fmt, md, &duty, KW));
	t = chat_text(p, fmt, md);
	snprintf(want, sizeof(want), "%s[" KW "] 【", start);
	if (strncmp(t, want, strlen(want)) != 0)
		fail_msg("format %d md %d: does not start with '%s':\n%s",
		    (int)fmt, md, want, t);
	assert_int_equal(count(t, KW), 1);
	has(t, SITE);
	if (fmt == FMT_DINGTALK && md) {
		assert_memory_equal(at(p, "markdown.title"), "[" KW "] ",
		    strlen("[" KW "] "));
		assert_int_equal(count(at(p, "markdown.title"), KW), 1);
	}
	json_decref(p);
	/* already in the message (the site's name): the body is unchanged */
	plain = raw(ev, n, fmt, md, &duty, NULL);
	b = raw(ev, n, fmt, md, &duty, "湖湖心");
	assert_string_equal(b, plain);
	free(b);
	free(plain);
}

static void
test_keyword(void **state)
{
	json_t *ev[12];
	size_t i;
	int firing;

	(void)state;
	for (firing = 0; firing < 2; firing++) {
		ev[0] = record("centre-tp:threshold:1", firing, SITE);
		keyword_in(ev, 1, FMT_DINGTALK, 0, "");
		keyword_in(ev, 1, FMT_DINGTALK, 1, "#### ");
		keyword_in(ev, 1, FMT_WECOM, 0, "");
		keyword_in(ev, 1, FMT_WECOM, 1, "**");
		keyword_in(ev, 1, FMT_FEISHU, 0, "");
		keyword_in(ev, 1, FMT_SLACK, 0, "*");
		json_decref(ev[0]);
	}
	storm(ev, 12, 4);
	keyword_in(ev, 12, FMT_DINGTALK, 1, "#### ");
	keyword_in(ev, 12, FMT_WECOM, 0, "");
	for (i = 0; i < 12; i++)
		json_decref(ev[i]);
}

/* Cut to the limit, the keyword and the mentions survive. */
static void
test_keyword_mention_cut(void **state)
{
	json_t *ev = long_record(30000, 1), *p;
	const char *t;

	(void)state;
	p = parsed(raw(&ev, 1, FMT_WECOM, 0, &duty, KW));
	t = at(p, "text.content");
	assert_true(strlen(t) <= 2048 && strlen(t) > 2048 - 100);
	assert_memory_equal(t, "[" KW "] ", strlen("[" KW "] "));
	assert_true(ends_with(t, "\xe2\x80\xa6"));
	json_decref(p);
	p = parsed(raw(&ev, 1, FMT_DINGTALK, 1, &duty, KW));
	t = at(p, "markdown.text");
	assert_memory_equal(t, "#### [" KW "] ", strlen("#### [" KW "] "));
	assert_true(ends_with(t, "\xe2\x80\xa6\n\n@13800000000"));
	json_decref(p);
	p = parsed(raw(&ev, 1, FMT_SLACK, 0, &duty, KW));
	t = at(p, "text");
	assert_true(strlen(t) <= 3000);
	assert_true(ends_with(t, "\xe2\x80\xa6\n<!channel>"));
	json_decref(p);
	json_decref(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dingtalk),
		cmocka_unit_test(test_wecom),
		cmocka_unit_test(test_feishu_and_slack),
		cmocka_unit_test(test_json_and_record),
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_digest_overflow),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_alertmanager),
		cmocka_unit_test(test_times_and_bad_input),
		cmocka_unit_test(test_mention_dingtalk),
		cmocka_unit_test(test_mention_wecom),
		cmocka_unit_test(test_mention_feishu_slack),
		cmocka_unit_test(test_mention_json),
		cmocka_unit_test(test_mention_digest),
		cmocka_unit_test(test_keyword),
		cmocka_unit_test(test_keyword_mention_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
