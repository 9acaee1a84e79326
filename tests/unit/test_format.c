/* test_format.c: the canonical event, receiver payloads, the signature */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../../daemon/notify.h"
#include "../../lib/format.h"
#include "../../lib/sign.h"

#define T0	1795680000	/* 2026-11-26T08:00:00Z */
#define SITE	"长荡湖湖心"
#define MSG	SITE " TP 0.061 mg/L exceeds Class III limit 0.05 mg/L " \
		"(Class IV)"

static struct event
event(void)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.id, sizeof(ev.id), "centre-tp:threshold:17");
	snprintf(ev.sensor, sizeof(ev.sensor), "centre-tp");
	snprintf(ev.site, sizeof(ev.site), SITE);
	snprintf(ev.kind, sizeof(ev.kind), "threshold");
	snprintf(ev.unit, sizeof(ev.unit), "mg/L");
	snprintf(ev.message, sizeof(ev.message), MSG);
	ev.firing = 1;
	ev.parameter = PARAM_TP;
	ev.value = 0.061;
	ev.decimals = 3;
	ev.limit = 0.05;
	ev.cls = 4;
	ev.target_class = 3;
	ev.water_body = WATER_LAKE;
	ev.observed_at = T0 + 300;
	ev.started_at = T0;
	return ev;
}

/* format_dump of format_event_json of EV; the caller frees it. */
static char *
dump(const struct event *ev)
{
	json_t *j = format_event_json(ev);
	char *s;

	assert_non_null(j);
	s = format_dump(j);
	json_decref(j);
	assert_non_null(s);
	return s;
}

static void
want_str(const json_t *o, const char *key, const char *val)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || !json_is_string(v))
		fail_msg("key '%s': missing or not a string", key);
	assert_string_equal(json_string_value(v), val);
}

static void
want_num(const json_t *o, const char *key, double val)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || !json_is_number(v))
		fail_msg("key '%s': missing or not a number", key);
	assert_true(fabs(json_number_value(v) - val) < 1e-12);
}

static void
test_event_keys(void **state)
{
	struct event ev = event();
	json_t *j = format_event_json(&ev), *v;

	(void)state;
	assert_true(json_is_object(j));
	assert_int_equal(json_object_size(j), 17);
	v = json_object_get(j, "version");
	assert_true(json_is_integer(v));
	assert_int_equal(json_integer_value(v), 1);
	want_str(j, "event_id", "centre-tp:threshold:17");
	want_str(j, "status", "firing");
	want_str(j, "kind", "threshold");
	want_str(j, "severity", "critical");	/* none set: critical */
	want_str(j, "sensor", "centre-tp");
	want_str(j, "site", SITE);
	want_str(j, "parameter", "tp");
	want_num(j, "value", 0.061);
	want_str(j, "unit", "mg/L");
	want_num(j, "limit", 0.05);
	want_str(j, "class", "IV");
	want_str(j, "target_class", "III");
	want_str(j, "water_body", "lake");
	want_str(j, "observed_at", "2026-11-26T08:05:00Z");
	want_str(j, "started_at", "2026-11-26T08:00:00Z");
	want_str(j, "message", MSG);
	json_decref(j);
	ev.firing = 0;
	ev.water_body = WATER_RIVER;
	j = format_event_json(&ev);
	want_str(j, "status", "resolved");
	want_str(j, "water_body", "river");
	json_decref(j);
}

static void
test_dump_utf8_and_precision(void **state)
{
	struct event ev = event();
	char *s;

	(void)state;
	s = dump(&ev);
	assert_non_null(strstr(s, "\"site\":\"" SITE "\""));
	assert_non_null(strstr(s, "\"message\":\"" MSG "\""));
	assert_non_null(strstr(s, "\"value\":0.061,"));
	assert_non_null(strstr(s, "\"limit\":0.05,"));
	free(s);
	/* a float32 reading is shown as the instrument reports it */
	ev.value = (double)0.061f;
	s = dump(&ev);
	assert_non_null(strstr(s, "\"value\":0.061,"));
	free(s);
}

/*
 * The json body of a fault event, which has no value, says null (not
 * 0.0); severity tells a warning from a critical event.
 */
static void
test_json_body_null_and_severity(void **state)
{
	struct event ev = event();
	json_t *rec, *body;
	char *s;

	(void)state;
	snprintf(ev.id, sizeof(ev.id), "centre-tp:fault:1");
	snprintf(ev.kind, sizeof(ev.kind), "fault");
	snprintf(ev.severity, sizeof(ev.severity), "critical");
	ev.value = NAN;
	ev.limit = NAN;
	ev.cls = 0;
	rec = format_event_record(&ev);
	s = format_payload(rec, FMT_JSON, NULL, T0);
	assert_non_null(s);
	assert_non_null(body = json_loads(s, 0, NULL));
	assert_true(json_is_null(json_object_get(body, "value")));
	assert_true(json_is_null(json_object_get(body, "limit")));
	want_str(body, "severity", "critical");
	assert_null(json_object_get(body, "decimals"));
	assert_int_equal(json_object_size(body), 17);
	json_decref(body);
	json_decref(rec);
	free(s);

	ev = event();
	snprintf(ev.id, sizeof(ev.id), "centre-tp:warn:1");
	snprintf(ev.severity, sizeof(ev.severity), "warning");
	rec = format_event_record(&ev);
	s = format_payload(rec, FMT_JSON, NULL, T0);
	assert_non_null(body = json_loads(s, 0, NULL));
	want_str(body, "severity", "warning");
	json_decref(body);
	/* an outbox record from before severity was in the body */
	json_object_del(rec, "severity");
	free(s);
	s = format_payload(rec, FMT_JSON, NULL, T0);
	assert_non_null(body = json_loads(s, 0, NULL));
	want_str(body, "severity", "critical");
	json_decref(body);
	json_decref(rec);
	free(s);
}

static void
test_nan_is_null(void **state)
{
	struct event ev = event();
	char *s;

	(void)state;
	ev.value = NAN;
	ev.limit = NAN;
	s = dump(&ev);
	assert_non_null(strstr(s, "\"value\":null"));
	assert_non_null(strstr(s, "\"limit\":null"));
	free(s);
}

/* The payload for FMT as parsed JSON; the caller json_decref()s. */
static json_t *
payload(enum wh_format fmt, const char *secret, time_t now)
{
	struct event ev = event();
	json_t *canon = format_event_json(&ev), *p;
	json_error_t jerr;
	char *body;

	body = format_payload(canon, fmt, secret, now);
	json_decref(canon);
	assert_non_null(body);
	p = json_loads(body, 0, &jerr);
	if (p == NULL)
		print_error("not JSON: %s: %s\n", jerr.text, body);
	free(body);
	assert_non_null(p);
	return p;
}

/* OBJ.KEY.SUB (or OBJ.KEY if SUB is NULL) is a string that holds MSG. */
static void
want_text(const json_t *obj, const char *key, const char *sub)
{
	json_t *v = json_object_get(obj, key);

	if (sub != NULL) {
		assert_true(json_is_object(v));
		v = json_object_get(v, sub);
	}
	assert_true(json_is_string(v));
	assert_non_null(strstr(json_string_value(v), MSG));
}

static void
test_payload_shapes(void **state)
{
	struct event ev = event();
	json_t *p, *canon;

	(void)state;
	p = payload(FMT_SLACK, NULL, T0);
	want_text(p, "text", NULL);
	json_decref(p);

	p = payload(FMT_DINGTALK, NULL, T0);
	want_str(p, "msgtype", "text");
	want_text(p, "text", "content");
	json_decref(p);

	p = payload(FMT_WECOM, NULL, T0);
	want_str(p, "msgtype", "text");
	want_text(p, "text", "content");
	json_decref(p);

	p = payload(FMT_FEISHU, NULL, T0);
	want_str(p, "msg_type", "text");
	want_text(p, "content", "text");
	assert_null(json_object_get(p, "sign"));
	json_decref(p);

	p = payload(FMT_JSON, NULL, T0);
	canon = format_event_json(&ev);
	assert_true(json_equal(p, canon));
	json_decref(canon);
	json_decref(p);
}

static void
test_payload_needs_event_id(void **state)
{
	json_t *j = json_pack("{s:s}", "message", "x");

	(void)state;
	assert_null(format_payload(j, FMT_SLACK, NULL, T0));
	json_decref(j);
}

/* OBJ.KEY if it is a string, else "(missing)". */
static const char *
str_or(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "(missing)";
}

/*
 * DOMAIN.md 4.3: Feishu signs in the body: "timestamp" (seconds, as a
 * string) and sign = base64(HMAC-SHA256(key = T "\n" secret, msg = "")).
 * format.h: NOW is the sending time Feishu signs with.
 */
static void
test_feishu_signed(void **state)
{
	static const char secret[] = "feishu-secret";
	unsigned char md[EVP_MAX_MD_SIZE], b64[2 * EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char key[64], type[16], ts[32], sign[128];
	json_t *p;

	(void)state;
	snprintf(key, sizeof(key), "%lld\n%s", (long long)T0, secret);
	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)"",
	    0, md, &mdlen);
	EVP_EncodeBlock(b64, md, (int)mdlen);
	/* copy out first: a failed assertion must not leak the payload */
	p = payload(FMT_FEISHU, secret, T0);
	snprintf(type, sizeof(type), "%s", str_or(p, "msg_type"));
	snprintf(ts, sizeof(ts), "%s", str_or(p, "timestamp"));
	snprintf(sign, sizeof(sign), "%s", str_or(p, "sign"));
	json_decref(p);
	assert_string_equal(type, "text");
	assert_string_equal(ts, "1795680000");
	assert_string_equal(sign, (const char *)b64);
}

static void
test_sign(void **state)
{
	static const char secret[] = "s3cret";
	static const char body[] = "{\"site\":\"" SITE "\",\"value\":0.061}";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	char msg[256], want[128], got[128], other[128];
	size_t n;

	(void)state;
	snprintf(msg, sizeof(msg), "%d.%s", T0, body);
	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)msg, strlen(msg), md, &mdlen);
	assert_int_equal(mdlen, 32);
	n = (size_t)snprintf(want, sizeof(want), "sha256=");
	for (i = 0; i < mdlen; i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%02x",
		    md[i]);
	sign_body(secret, T0, body, got, sizeof(got));
	assert_string_equal(got, want);
	assert_int_equal(strlen(got), 7 + 64);
	/* exactly large enough */
	memset(got, 'x', sizeof(got));
	sign_body(secret, T0, body, got, 7 + 64 + 1);
	assert_string_equal(got, want);
	/* the timestamp is signed too */
	sign_body(secret, T0 + 1, body, other, sizeof(other));
	assert_string_not_equal(other, want);
	assert_memory_equal(other, "sha256=", 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_keys),
		cmocka_unit_test(test_dump_utf8_and_precision),
		cmocka_unit_test(test_nan_is_null),
		cmocka_unit_test(test_json_body_null_and_severity),
		cmocka_unit_test(test_payload_shapes),
		cmocka_unit_test(test_payload_needs_event_id),
		cmocka_unit_test(test_feishu_signed),
		cmocka_unit_test(test_sign),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
