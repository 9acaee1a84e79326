/* format.c: payloads per receiver; pure (no I/O, no clock) */
#include <openssl/evp.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "hmac.h"
#include "log.h"
#include "util.h"

#define DIGEST_MAX	100	/* events one digest folds at most */
#define HEAD_ROOM	256	/* bytes kept for a digest's first line */
#define ELLIPSIS	"\xe2\x80\xa6"	/* U+2026, 3 bytes */

/* a growing string */
struct sbuf {
	char	*s;
	size_t	 len, cap;
};

/* the fields of an event record that a person reads, as text */
struct view {
	const char	*id, *kind, *severity, *sensor, *site, *param;
	const char	*unit, *cls, *target, *message, *observed;
	char		 value[32], limit[32];	/* "" if none */
	int		 firing;
};

/* how one chat dialect marks up a message */
struct style {
	const char	*h1, *h2;	/* around the headline */
	const char	*item;		/* before each line */
	const char	*v1, *v2;	/* around the value */
	const char	*note;		/* before the English message */
};

static const struct style st_text = { "", "", "", "", "", "说明: " };
static const struct style st_ding = { "#### ", "", "- ", "**", "**",
	"\n> " };
static const struct style st_wecom = { "**", "**", "> ",
	"<font color=\"warning\">", "</font>", "" };
static const struct style st_wecom_ok = { "**", "**", "> ",
	"<font color=\"info\">", "</font>", "" };
static const struct style st_slack = { "*", "*", "", "*", "*", "" };

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->s == NULL) {
		b->cap = 256;
		if ((b->s = malloc(b->cap)) == NULL)
			fatal("format");
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			fatalx("format: vsnprintf");
		if (b->len + (size_t)n < b->cap)
			break;
		b->cap = (b->len + (size_t)n + 1) * 2;
		if ((b->s = realloc(b->s, b->cap)) == NULL)
			fatal("format");
	}
	b->len += (size_t)n;
}

char *
format_dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
}

size_t
format_utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* Length of the valid UTF-8 sequence at S (RFC 3629), 0 if none. */
static size_t
utf8_seq(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, k;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < n; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * S as valid UTF-8 in BUF (LEN >= strlen(S) + 1 keeps it whole): each
 * byte that starts no valid sequence becomes '?'.
 */
static const char *
utf8_clean(const char *s, char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, n;

	while (u[i] != '\0') {
		n = utf8_seq(u + i);
		if (o + (n ? n : 1) >= len)
			break;
		if (n == 0) {
			buf[o++] = '?';
			i++;
			continue;
		}
		memcpy(buf + o, s + i, n);
		o += n;
		i += n;
	}
	buf[o] = '\0';
	return buf;
}

static json_t *
num_or_null(double v, int decimals)
{
	if (isfinite(v) && decimals >= 0)
		v = gb3838_round(v, decimals);
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *
format_event_json(const struct event *ev)
{
	char obs[32], start[32], site[sizeof(ev->site)];
	char msg[sizeof(ev->message)], unit[sizeof(ev->unit)];
	char id[sizeof(ev->id)], kind[sizeof(ev->kind)];
	char sensor[sizeof(ev->sensor)], sev[sizeof(ev->severity)];

	fmt_rfc3339(ev->observed_at, obs, sizeof(obs));
	fmt_rfc3339(ev->started_at, start, sizeof(start));
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s,"
	    " s:o, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "version", 1,
	    "event_id", utf8_clean(ev->id, id, sizeof(id)),
	    "status", ev->firing ? "firing" : "resolved",
	    "kind", utf8_clean(ev->kind, kind, sizeof(kind)),
	    "severity", ev->severity[0] ? utf8_clean(ev->severity, sev,
	    sizeof(sev)) : "critical",
	    "sensor", utf8_clean(ev->sensor, sensor, sizeof(sensor)),
	    "site", utf8_clean(ev->site, site, sizeof(site)),
	    "parameter", gb3838_param_name(ev->parameter),
	    "value", num_or_null(ev->value, ev->decimals),
	    "unit", utf8_clean(ev->unit, unit, sizeof(unit)),
	    "limit", num_or_null(ev->limit, -1),
	    "class", gb3838_class_name(ev->cls),
	    "target_class", gb3838_class_name(ev->target_class),
	    "water_body", gb3838_water_name(ev->water_body),
	    "observed_at", obs,
	    "started_at", start,
	    "message", utf8_clean(ev->message, msg, sizeof(msg)));
}

json_t *
format_event_record(const struct event *ev)
{
	json_t *j = format_event_json(ev);

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "decimals", json_integer(ev->decimals));
	return j;
}

static const char *
str(const json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));

	return s != NULL ? s : "";
}

/* EV.KEY as text: with DECIMALS places if >= 0, else as short as can be */
static void
num_text(const json_t *ev, const char *key, int decimals, char *buf,
    size_t len)
{
	const json_t *v = json_object_get(ev, key);

	if (!json_is_number(v))
		buf[0] = '\0';
	else if (decimals >= 0 && decimals <= 9)
		snprintf(buf, len, "%.*f", decimals, json_number_value(v));
	else
		snprintf(buf, len, "%.10g", json_number_value(v));
}

static int
view_of(const json_t *ev, struct view *v)
{
	const json_t *d;

	if (!json_is_object(ev) || *str(ev, "event_id") == '\0')
		return -1;
	v->id = str(ev, "event_id");
	v->kind = str(ev, "kind");
	v->severity = str(ev, "severity");
	v->sensor = str(ev, "sensor");
	v->site = str(ev, "site");
	v->param = str(ev, "parameter");
	v->unit = str(ev, "unit");
	v->cls = str(ev, "class");
	v->target = str(ev, "target_class");
	v->message = str(ev, "message");
	v->observed = str(ev, "observed_at");
	v->firing = strcmp(str(ev, "status"), "resolved") != 0;
	d = json_object_get(ev, "decimals");
	num_text(ev, "value", json_is_integer(d) ? (int)json_integer_value(d) :
	    -1, v->value, sizeof(v->value));
	num_text(ev, "limit", -1, v->limit, sizeof(v->limit));
	return 0;
}

/* "总磷(TP)" for "tp" */
static void
param_text(const char *name, char *buf, size_t len)
{
	static const char *const zh[PARAM_COUNT] = {
		[PARAM_TP] = "总磷", [PARAM_TN] = "总氮",
		[PARAM_NH3N] = "氨氮", [PARAM_CODMN] = "高锰酸盐指数",
		[PARAM_DO] = "溶解氧", [PARAM_PH] = "pH值",
		[PARAM_TEMP] = "水温", [PARAM_TURBIDITY] = "浊度",
		[PARAM_COND] = "电导率", [PARAM_CHLA] = "叶绿素a",
		[PARAM_SD] = "透明度",
	};
	int p = gb3838_param_parse(name);

	if (p < 0)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s(%s)", zh[p], gb3838_param_label(p));
}

/* "Ⅳ类" for "IV"; "" for none */
static const char *
class_zh(const char *name)
{
	int c = gb3838_class_parse(name);

	if (strcmp(name, gb3838_class_name(GB_CLASS_WORSE)) == 0)
		c = GB_CLASS_WORSE;
	return c > 0 ? gb3838_class_name_zh(c) : "";
}

static const char *
kind_zh(const struct view *v)
{
	if (strcmp(v->kind, "threshold") == 0)
		return strcmp(v->severity, "warning") == 0 ? "预警" : "超标";
	if (strcmp(v->kind, "stale") == 0)
		return "数据中断";
	if (strcmp(v->kind, "comm") == 0)
		return "通信中断";
	if (strcmp(v->kind, "fault") == 0)
		return "仪器故障";
	if (strcmp(v->kind, "test") == 0)
		return "测试 TEST";	/* lakewatch test-alert */
	if (strcmp(v->kind, "cumulative") == 0)
		return "年累计均值超标风险";
	return v->kind;
}

/* Beijing time of RFC 3339 S, or S itself if it does not parse. */
static void
time_text(const char *s, char *buf, size_t len)
{
	const char *why;
	time_t t;

	if (parse_rfc3339(s, &t, &why) == -1)
		snprintf(buf, len, "%s", s);
	else
		format_time_bj(t, buf, len);
}

static const struct style *
style_of(const struct fmt_opts *o, int firing)
{
	if (o->fmt == FMT_SLACK)
		return &st_slack;
	if (!o->markdown)
		return &st_text;
	if (o->fmt == FMT_WECOM)
		return firing ? &st_wecom : &st_wecom_ok;
	return o->fmt == FMT_DINGTALK ? &st_ding : &st_text;
}

/* "【触发 FIRING】长荡湖湖心 总磷(TP) 超标" */
static void
headline(const struct view *v, char *buf, size_t len)
{
	char param[64];

	param_text(v->param, param, sizeof(param));
	snprintf(buf, len, "【%s】%s %s %s", v->firing ? "触发 FIRING" :
	    "恢复 RESOLVED", v->site, param, kind_zh(v));
}

/* The message for one event, in style S. */
static void
render_one(const struct view *v, const struct style *s, struct sbuf *b)
{
	char head[512], when[32];

	headline(v, head, sizeof(head));
	time_text(v->observed, when, sizeof(when));
	sb_printf(b, "%s%s%s\n", s->h1, head, s->h2);
	if (v->value[0] != '\0')
		sb_printf(b, "%s%s: %s%s %s%s%s%s\n", s->item,
		    strcmp(v->kind, "cumulative") == 0 ? "年累计均值(含本月)" :
		    "测值", s->v1,
		    v->value, v->unit, s->v2, *class_zh(v->cls) ? ", " : "",
		    class_zh(v->cls));
	if (*class_zh(v->target) != '\0')
		sb_printf(b, "%s目标: %s%s%s%s%s\n", s->item,
		    class_zh(v->target), v->limit[0] ? ", 限值 " : "",
		    v->limit, v->limit[0] ? " " : "",
		    v->limit[0] ? v->unit : "");
	sb_printf(b, "%s时间: %s 北京时间\n", s->item, when);
	sb_printf(b, "%s事件: %s\n", s->item, v->id);
	sb_printf(b, "%s%s", s->note, v->message);
}

/* One line of a digest for V. */
static void
render_line(const struct view *v, const struct style *s, struct sbuf *b)
{
	char param[64], when[32];

	param_text(v->param, param, sizeof(param));
	time_text(v->observed, when, sizeof(when));
	sb_printf(b, "\n%s%s %s %s %s %s", s->item[0] ? s->item : "• ",
	    v->firing ? "触发" : "恢复", strlen(when) > 5 ? when + 5 : when,
	    v->site, param, kind_zh(v));
	if (v->value[0] != '\0')
		sb_printf(b, " %s %s %s", v->value, v->unit, class_zh(v->cls));
	if (v->limit[0] != '\0')
		sb_printf(b, " (%s限值 %s)", class_zh(v->target), v->limit);
	sb_printf(b, " [%s]", v->id);
}

static void
render_digest_head(const struct view *v, size_t k, const struct style *s,
    struct sbuf *b)
{
	size_t i, up = 0;

	for (i = 0; i < k; i++)
		up += v[i].firing;
	sb_printf(b, "%s【告警汇总 DIGEST】%zu 条告警: %zu 触发, %zu 恢复 "
	    "(%zu alerts: %zu firing, %zu resolved)%s", s->h1, k, up, k - up,
	    k, up, k - up, s->h2);
}

/* Cut B to at most MAX bytes on a UTF-8 boundary, marked with "…". */
static void
fit(struct sbuf *b, size_t max)
{
	if (max == 0 || b->len <= max)
		return;
	b->len = format_utf8_cut(b->s, max > 3 ? max - 3 : 0);
	b->s[b->len] = '\0';
	sb_printf(b, "%s", max > 3 ? ELLIPSIS : "");
}

size_t
format_body_limit(enum wh_format fmt)
{
	return fmt == FMT_DINGTALK || fmt == FMT_FEISHU ? 20000 : 0;
}

size_t
format_text_limit(enum wh_format fmt, int markdown)
{
	switch (fmt) {
	case FMT_WECOM:
		return markdown ? 4096 : 2048;
	case FMT_DINGTALK:
	case FMT_FEISHU:
		return 20000;
	case FMT_SLACK:
		return 3000;	/* a section block's text */
	default:
		return 0;
	}
}

void
format_time_bj(time_t t, char *buf, size_t len)
{
	struct tm tm;

	t += 8 * 3600;
	if (gmtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "?");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static void
hmac_b64(const char *key, const char *msg, char *out, size_t len)
{
	unsigned char md[HMAC_SHA256_LEN], b64[4 * HMAC_SHA256_LEN / 3 + 4];
	unsigned int mdlen;

	hmac_sha256(key, msg, md, &mdlen);
	EVP_EncodeBlock(b64, md, (int)mdlen);
	snprintf(out, len, "%s", (const char *)b64);
}

void
format_dingtalk_sign(const char *secret, long long ts_ms, char *out,
    size_t len)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%lld\n%s", ts_ms, secret);
	hmac_b64(secret, msg, out, len);
}

void
format_feishu_sign(const char *secret, long long ts, char *out, size_t len)
{
	char key[512];

	snprintf(key, sizeof(key), "%lld\n%s", ts, secret);
	hmac_b64(key, "", out, len);
}

static char *
dump_and_free(json_t *j)
{
	char *s;

	if (j == NULL)
		return NULL;
	s = format_dump(j);
	json_decref(j);
	return s;
}

/* DingTalk's "at" for AT (NULL: nobody): {"atMobiles":[], "isAtAll"} */
static json_t *
ding_at(const struct wh_mention *at)
{
	json_t *j = json_object(), *l;
	size_t i;

	if (j == NULL)
		return NULL;
	if (at != NULL && at->nmobile > 0) {
		l = json_array();
		for (i = 0; i < at->nmobile; i++)
			json_array_append_new(l, json_string(at->mobile[i]));
		json_object_set_new(j, "atMobiles", l);
	}
	json_object_set_new(j, "isAtAll", json_boolean(at != NULL && at->all));
	return j;
}

/* WeCom text: {"msgtype":"text","text":{content, mentioned_mobile_list}} */
static json_t *
wecom_text(const struct wh_mention *at, const char *text)
{
	json_t *j, *l;
	size_t i;

	j = json_pack("{s:s, s:{s:s}}", "msgtype", "text", "text", "content",
	    text);
	if (j == NULL || at == NULL || (at->nmobile == 0 && !at->all))
		return j;
	l = json_array();
	for (i = 0; i < at->nmobile; i++)
		json_array_append_new(l, json_string(at->mobile[i]));
	if (at->all)
		json_array_append_new(l, json_string("@all"));
	json_object_set_new(json_object_get(j, "text"),
	    "mentioned_mobile_list", l);
	return j;
}

/*
 * The chat body around TEXT, mentioning AT (NULL: nobody); TITLE is
 * DingTalk markdown's title.
 */
static json_t *
chat_body(const struct fmt_opts *o, const struct wh_mention *at,
    const char *title, const char *text)
{
	char sig[64], ts[24];
	json_t *j;

	switch (o->fmt) {
	case FMT_DINGTALK:
		return o->markdown ? json_pack("{s:s, s:{s:s, s:s}, s:o}",
		    "msgtype", "markdown", "markdown", "title", title, "text",
		    text, "at", ding_at(at)) : json_pack("{s:s, s:{s:s}, s:o}",
		    "msgtype", "text", "text", "content", text, "at",
		    ding_at(at));
	case FMT_WECOM:
		return o->markdown ? json_pack("{s:s, s:{s:s}}", "msgtype",
		    "markdown", "markdown", "content", text) :
		    wecom_text(at, text);
	case FMT_FEISHU:
		j = json_pack("{s:s, s:{s:s}}", "msg_type", "text", "content",
		    "text", text);
		if (j != NULL && o->secret != NULL) {
			snprintf(ts, sizeof(ts), "%lld", (long long)o->now);
			format_feishu_sign(o->secret, (long long)o->now, sig,
			    sizeof(sig));
			json_object_set_new(j, "timestamp", json_string(ts));
			json_object_set_new(j, "sign", json_string(sig));
		}
		return j;
	default:
		return json_pack("{s:s}", "text", text);
	}
}

/*
 * What the text of a message that mentions AT ends with: DingTalk pushes
 * to a mobile only if the text names it; Feishu and Slack have a markup
 * for everyone and none for mobiles; WeCom's list is beside the text.
 */
static void
mention_tail(const struct fmt_opts *o, const struct wh_mention *at,
    struct sbuf *b)
{
	size_t i;

	sb_printf(b, "%s", "");
	if (at == NULL)
		return;
	if (o->fmt == FMT_DINGTALK)
		for (i = 0; i < at->nmobile; i++)
			sb_printf(b, "%s@%s", i > 0 ? " " : o->markdown ?
			    "\n\n" : "\n", at->mobile[i]);
	else if (o->fmt == FMT_FEISHU && at->all)
		sb_printf(b, "\n<at user_id=\"all\">所有人</at>");
	else if (o->fmt == FMT_SLACK && at->all)
		sb_printf(b, "\n<!channel>");
}

static int
lacks_keyword(const struct fmt_opts *o, const char *s)
{
	return o->keyword != NULL && o->keyword[0] != '\0' &&
	    strstr(s, o->keyword) == NULL;
}

/*
 * The text as sent, into OUT: CORE (which starts with S's headline
 * markup) with "[KEYWORD] " after that markup unless CORE holds the
 * keyword, then TAIL. Returns 1 if it put the keyword in, else 0.
 */
static int
compose(const struct fmt_opts *o, const struct style *s, const char *core,
    const char *tail, struct sbuf *out)
{
	size_t h = strlen(s->h1);

	out->len = 0;
	if (!lacks_keyword(o, core)) {
		sb_printf(out, "%s%s", core, tail);
		return 0;
	}
	if (strncmp(core, s->h1, h) != 0)
		h = 0;
	sb_printf(out, "%.*s[%s] %s%s", (int)h, core, o->keyword, core + h,
	    tail);
	return 1;
}

/*
 * The text limit less what the keyword and a mention tail of TAIL bytes
 * add (0: no limit).
 */
static size_t
text_room(const struct fmt_opts *o, size_t tail)
{
	size_t lim = format_text_limit(o->fmt, o->markdown), room = tail;

	if (o->keyword != NULL)
		room += strlen(o->keyword) + 3;
	return lim == 0 ? 0 : lim > room + 64 ? lim - room : 64;
}

/* The text limit of a digest: as text_room, mentions as if firing. */
static size_t
digest_room(const struct fmt_opts *o)
{
	struct sbuf tail = { NULL, 0, 0 };
	size_t n;

	mention_tail(o, o->mention, &tail);
	n = text_room(o, tail.len);
	free(tail.s);
	return n;
}

/*
 * The body for CORE, a message in style S (mentioning o->mention if
 * FIRING), cut to the text limit and then, if need be, to the body
 * limit, leaving room for the keyword and the mentions.
 */
static char *
chat_fit(const struct fmt_opts *o, const struct style *s, int firing,
    const char *title, struct sbuf *core)
{
	const struct wh_mention *at = firing ? o->mention : NULL;
	struct sbuf tail = { NULL, 0, 0 }, text = { NULL, 0, 0 };
	size_t max = format_body_limit(o->fmt), n;
	char head[512 + WH_KEYWORD_MAX + 4], *body;

	mention_tail(o, at, &tail);
	fit(core, text_room(o, tail.len));
	for (;;) {
		/* the title too, if the text had to take the keyword */
		if (compose(o, s, core->s, tail.s, &text) &&
		    lacks_keyword(o, title))
			snprintf(head, sizeof(head), "[%s] %s", o->keyword,
			    title);
		else
			snprintf(head, sizeof(head), "%s", title);
		body = dump_and_free(chat_body(o, at, head, text.s));
		if (body == NULL || max == 0 || (n = strlen(body)) <= max)
			break;
		free(body);
		fit(core, core->len > n - max + 16 ? core->len - (n - max) -
		    16 : 4);
	}
	free(tail.s);
	free(text.s);
	return body;
}

/*
 * The JSON body: the record less what DESIGN.md 5 does not list; a
 * record written before severity was in the body says critical.
 */
static char *
json_body(const json_t *ev)
{
	json_t *j = json_deep_copy(ev);
	char *s;

	if (!json_is_string(json_object_get(j, "severity")))
		json_object_set_new(j, "severity", json_string("critical"));
	json_object_del(j, "decimals");
	s = format_dump(j);
	json_decref(j);
	return s;
}

static char *
single(const json_t *ev, const struct fmt_opts *o)
{
	struct sbuf b = { NULL, 0, 0 };
	struct view v;
	char title[512], *body;

	if (view_of(ev, &v) == -1)
		return NULL;
	if (o->fmt == FMT_JSON || o->fmt == FMT_ALERTMANAGER)
		return json_body(ev);
	headline(&v, title, sizeof(title));
	render_one(&v, style_of(o, v.firing), &b);
	body = chat_fit(o, style_of(o, v.firing), v.firing, title, &b);
	free(b.s);
	return body;
}

/* How many of V[0..N-1] fit one digest within the text limit LIMIT. */
static size_t
fold_count(const struct view *v, size_t n, const struct style *s,
    size_t limit)
{
	struct sbuf b = { NULL, 0, 0 };
	size_t k;

	for (k = 0; k < n && k < DIGEST_MAX; k++) {
		render_line(&v[k], s, &b);
		if (limit > 0 && b.len + HEAD_ROOM > limit && k > 0)
			break;
	}
	free(b.s);
	return k;
}

static char *
digest(const struct view *v, size_t n, const struct fmt_opts *o,
    size_t *folded)
{
	const struct style *s = style_of(o, 1);
	struct sbuf b = { NULL, 0, 0 };
	char title[128];
	size_t k, i;
	int firing = 0;
	char *body;

	k = fold_count(v, n, s, digest_room(o));
	render_digest_head(v, k, s, &b);
	for (i = 0; i < k; i++) {
		render_line(&v[i], s, &b);
		firing |= v[i].firing;
	}
	snprintf(title, sizeof(title), "告警汇总: %zu 条告警", k);
	body = chat_fit(o, s, firing, title, &b);
	free(b.s);
	*folded = k;
	return body;
}

char *
format_message(json_t *const *ev, size_t n, const struct fmt_opts *o,
    size_t *folded)
{
	struct view *v;
	size_t i;
	char *body;

	*folded = 0;
	if (n == 0)
		return NULL;
	if (n == 1 || o->fmt == FMT_JSON || o->fmt == FMT_ALERTMANAGER) {
		if ((body = single(ev[0], o)) != NULL)
			*folded = 1;
		return body;
	}
	if ((v = calloc(n, sizeof(*v))) == NULL)
		fatal("format");
	for (i = 0; i < n && view_of(ev[i], &v[i]) == 0; i++)
		;
	body = i == 0 ? NULL : i == 1 ? single(ev[0], o) :
	    digest(v, i, o, folded);
	if (body != NULL && i == 1)
		*folded = 1;
	free(v);
	return body;
}

char *
format_payload(const json_t *ev, enum wh_format fmt, const char *secret,
    time_t now)
{
	struct fmt_opts o = { fmt, 0, secret, now, NULL, NULL };

	return single(ev, &o);
}

int
format_am_key(const json_t *ev, char *buf, size_t len)
{
	const char *id = str(ev, "event_id"), *colon = strrchr(id, ':');

	if (*id == '\0')
		return -1;
	snprintf(buf, len, "%.*s", (int)(colon ? colon - id : (int)strlen(id)),
	    id);
	return 0;
}

/* "LakewatchThreshold" for "threshold" */
static void
am_name(const char *kind, char *buf, size_t len)
{
	snprintf(buf, len, "Lakewatch%s", *kind ? kind : "alert");
	if (buf[9] >= 'a' && buf[9] <= 'z')
		buf[9] = (char)(buf[9] - 'a' + 'A');
}

static void
am_annotations(json_t *ann, const struct view *v, const char *zh)
{
	json_object_set_new(ann, "summary", json_string(v->message));
	json_object_set_new(ann, "description", json_string(zh));
	json_object_set_new(ann, "event_id", json_string(v->id));
	json_object_set_new(ann, "unit", json_string(v->unit));
	json_object_set_new(ann, "class", json_string(v->cls));
	json_object_set_new(ann, "target_class", json_string(v->target));
	json_object_set_new(ann, "observed_at", json_string(v->observed));
	if (v->value[0] != '\0')
		json_object_set_new(ann, "value", json_string(v->value));
	if (v->limit[0] != '\0')
		json_object_set_new(ann, "limit", json_string(v->limit));
}

json_t *
format_am_alert(const json_t *ev, const char *gen)
{
	struct sbuf zh = { NULL, 0, 0 };
	struct view v;
	char name[64];
	json_t *a;

	if (view_of(ev, &v) == -1)
		return NULL;
	am_name(v.kind, name, sizeof(name));
	a = json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:{}, s:s}",
	    "labels", "alertname", name, "sensor", v.sensor, "site", v.site,
	    "parameter", v.param, "kind", v.kind, "severity",
	    *v.severity ? v.severity : "critical", "annotations",
	    "startsAt", str(ev, "started_at"));
	if (a == NULL)
		return NULL;
	/* one alert per station in a shared Alertmanager, not one for all */
	if (*str(ev, "station"))
		json_object_set_new(json_object_get(a, "labels"), "station",
		    json_string(str(ev, "station")));
	render_one(&v, &st_text, &zh);
	am_annotations(json_object_get(a, "annotations"), &v, zh.s);
	free(zh.s);
	if (gen != NULL)
		json_object_set_new(a, "generatorURL", json_string(gen));
	return a;
}
