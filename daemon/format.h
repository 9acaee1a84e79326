/* format.h: alert events as JSON (DESIGN.md 5) and as receiver payloads */
#ifndef LW_FORMAT_H
#define LW_FORMAT_H

#include <jansson.h>

#include "conf.h"
#include "event.h"

/* The canonical event object of DESIGN.md 5; caller json_decref()s. */
json_t	*format_event_json(const struct event *);
/*
 * The body to POST for canonical event EV (as made by format_event_json,
 * possibly read back from the outbox) in format FMT, as a malloc'd
 * string the caller frees; NULL if EV lacks a field the format needs.
 * NOW is the sending time (DingTalk/Feishu sign with it).
 */
char	*format_payload(const json_t *ev, enum wh_format fmt,
	    const char *secret, time_t now);
/* Serialise with the precision alerts need (0.061, not 0.0609999). */
char	*format_dump(const json_t *);

#endif
