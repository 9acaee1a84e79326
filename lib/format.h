/*
 * format.h: alert events as JSON (DESIGN.md 5) and as the payloads of
 * each receiver (DOMAIN.md 4). Pure: no I/O, no clock; the sending time
 * comes in as an argument. Every char * returned is malloc'd and the
 * caller frees it; every json_t * returned is a new reference the caller
 * json_decref()s.
 */
#ifndef LW_FORMAT_H
#define LW_FORMAT_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "event.h"

/*
 * How to render one message for a receiver. The chat formats @-mention
 * MENTION only in a message about a firing alert (a digest: if any of
 * its events fires, once): dingtalk "at" {atMobiles, isAtAll} and
 * "@mobile" at the end of the text; wecom text mentioned_mobile_list
 * (with "@all"), markdown none; feishu <at user_id="all"> and slack
 * <!channel> for all, no mobiles. KEYWORD (valid UTF-8, as conf_load
 * ensures) is put in front of the headline as "[KEYWORD] " (and of
 * dingtalk markdown's title) unless the text holds it already. json and
 * alertmanager use neither.
 */
struct fmt_opts {
	enum wh_format	 fmt;
	int		 markdown;	/* dingtalk, wecom: markdown, else text */
	const char	*secret;	/* feishu signs the body with it */
	time_t		 now;		/* sending time (feishu's timestamp) */
	const struct wh_mention *mention; /* NULL: nobody */
	const char	*keyword;	/* NULL: none */
};

/*
 * The canonical event object of DESIGN.md 5 (16 keys) and "severity"
 * (warning | critical; empty in EV: critical), 17 keys.
 */
json_t	*format_event_json(const struct event *);
/*
 * What the outbox keeps for EV: the canonical object plus "decimals" (to
 * show values as the instrument reports them), which the json body
 * leaves out.
 */
json_t	*format_event_record(const struct event *);
/*
 * The body to POST for one event EV (a record as above, possibly read
 * back from the outbox) in format FMT, plain-text style; NULL if EV is
 * not an object with an event_id. NOW is the sending time.
 */
char	*format_payload(const json_t *ev, enum wh_format fmt,
	    const char *secret, time_t now);
/*
 * The body for the first of the N events EV[0..N-1] as O says. For the
 * chat formats, N > 1 folds as many as fit the receiver's size limit into
 * one digest ("12 alerts: 8 firing, 4 resolved", a line each); json and
 * alertmanager take one. *FOLDED gets how many the body carries (at
 * least 1). NULL, *FOLDED = 0, if EV[0] is not an event.
 */
char	*format_message(json_t *const *ev, size_t n,
	    const struct fmt_opts *o, size_t *folded);
/* Largest size of the body (0: none) and of the text in it, in bytes. */
size_t	 format_body_limit(enum wh_format fmt);
size_t	 format_text_limit(enum wh_format fmt, int markdown);
/*
 * Length of the longest prefix of S of at most MAX bytes that does not
 * split a UTF-8 sequence.
 */
size_t	 format_utf8_cut(const char *s, size_t max);
/* "2026-11-26 16:00:00" in Beijing time (UTC+8, no DST) into BUF. */
void	 format_time_bj(time_t t, char *buf, size_t len);
/*
 * DingTalk: base64(HMAC-SHA256(secret, TS_MS "\n" secret)) into OUT
 * (not yet URL-encoded; 45 bytes are enough).
 */
void	 format_dingtalk_sign(const char *secret, long long ts_ms,
	    char *out, size_t len);
/* Feishu: base64(HMAC-SHA256(key = TS "\n" secret, msg = "")). */
void	 format_feishu_sign(const char *secret, long long ts, char *out,
	    size_t len);
/*
 * Alertmanager: the alert for EV: labels {alertname, sensor, site,
 * parameter, kind, severity}, annotations {summary, value, limit, class,
 * target_class, unit, event_id}, startsAt, and generatorURL if GEN is
 * not NULL. No endsAt: the sender sets it.
 */
json_t	*format_am_alert(const json_t *ev, const char *gen);
/*
 * The identity of EV's alert: its event_id without the trailing ":seq"
 * ("centre-tp:threshold"), into BUF; 0, or -1 if EV has no event_id.
 */
int	 format_am_key(const json_t *ev, char *buf, size_t len);
/* Serialise with the precision alerts need (0.061, not 0.0609999). */
char	*format_dump(const json_t *);

#endif
