/* format.c: payloads per receiver; pure (no I/O) */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "util.h"

char *
format_dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
}

static json_t *
num_or_null(double v, int decimals)
{
	if (!isfinite(v))
		return json_null();
	return json_real(decimals >= 0 ? gb3838_round(v, decimals) : v);
}

json_t *
format_event_json(const struct event *ev)
{
	char obs[32], start[32];

	fmt_rfc3339(ev->observed_at, obs, sizeof(obs));
	fmt_rfc3339(ev->started_at, start, sizeof(start));
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o,"
	    " s:s, s:s, s:s, s:s, s:s, s:s}",
	    "version", 1,
	    "event_id", ev->id,
	    "status", ev->firing ? "firing" : "resolved",
	    "kind", ev->kind,
	    "sensor", ev->sensor,
	    "site", ev->site,
	    "parameter", gb3838_param_name(ev->parameter),
	    "value", num_or_null(ev->value, ev->decimals),
	    "unit", ev->unit,
	    "limit", num_or_null(ev->limit, -1),
	    "class", gb3838_class_name(ev->cls),
	    "target_class", gb3838_class_name(ev->target_class),
	    "water_body", gb3838_water_name(ev->water_body),
	    "observed_at", obs,
	    "started_at", start,
	    "message", ev->message);
}

static const char *
str(const json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));

	return s != NULL ? s : "";
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

/* One line a person reads first: "[FIRING] message". */
static void
headline(const json_t *ev, char *buf, size_t len)
{
	int firing = strcmp(str(ev, "status"), "firing") == 0;

	snprintf(buf, len, "[%s] %s", firing ? "FIRING" : "RESOLVED",
	    str(ev, "message"));
}

char *
format_payload(const json_t *ev, enum wh_format fmt, const char *secret,
    time_t now)
{
	char text[1024];

	(void)secret;
	(void)now;
	if (!json_is_object(ev) || *str(ev, "event_id") == '\0')
		return NULL;
	headline(ev, text, sizeof(text));
	switch (fmt) {
	case FMT_SLACK:
		return dump_and_free(json_pack("{s:s}", "text", text));
	case FMT_DINGTALK:
	case FMT_WECOM:
		return dump_and_free(json_pack("{s:s, s:{s:s}}", "msgtype",
		    "text", "text", "content", text));
	case FMT_FEISHU:
		return dump_and_free(json_pack("{s:s, s:{s:s}}", "msg_type",
		    "text", "content", "text", text));
	case FMT_ALERTMANAGER:
	case FMT_JSON:
	default:
		return format_dump(ev);
	}
}
