/*
 * statusfile.h: where the daemon's status.json is and how often it is
 * rewritten: the daemon writes it (daemon/status.c), the tool reads it
 * (lakewatch status, dashboard).
 */
#ifndef LW_STATUSFILE_H
#define LW_STATUSFILE_H

#include <stddef.h>

#include <jansson.h>

#include "conf.h"

/*
 * Seconds at least between two writes: one, and one more per 100
 * sensors, at most STATUS_HEARTBEAT (the whole file, some 300 bytes a
 * sensor, is rewritten each time: at 600 sensors every second it was
 * 60 % of the core thread). It is rewritten when
 * something happened (samples came, a rule fired, a reload) and else
 * every STATUS_HEARTBEAT s: a quiet station does not rewrite it every
 * second. A file older than status_stale_after(C) means the daemon is
 * not running.
 */
#define STATUS_HEARTBEAT	30

int	status_every(const struct conf *c);
int	status_stale_after(const struct conf *c);
/* Where the status file of C is. */
void	status_path(const struct conf *c, char *buf, size_t len);
/*
 * The status file at PATH, parsed; NULL with *E filled. The daemon
 * rewrites it in place over the copy before last (write_swap): a reader
 * slow enough to span two rewrites reads a torn file, so one that does
 * not parse is read again (three times, 20 ms apart).
 */
json_t	*status_load(const char *path, json_error_t *e);

#endif
