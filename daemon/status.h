/*
 * status.h: the daemon's self-metrics as JSON in <state_dir>/status.json,
 * rewritten every few seconds, for `lakewatch status` and monitoring.
 */
#ifndef LW_STATUS_H
#define LW_STATUS_H

#include "bus.h"
#include "conf.h"
#include "core.h"
#include "notify.h"
#include "queue.h"

/*
 * Seconds between two writes: one, and one more per 1000 sensors (the
 * whole file is rewritten each time). A file older than
 * status_stale_after(C) means the daemon is not running.
 */
int	status_every(const struct conf *c);
int	status_stale_after(const struct conf *c);
/* Where the status file of C is. */
void	status_path(const struct conf *c, char *buf, size_t len);
/*
 * Write the status of a running daemon: per bus counters (BUSES has
 * c->nbus entries), per sensor last sample and alert state, outbox and
 * queue. 0, or -1 with errno set (the caller logs once).
 */
int	status_write(const struct conf *c, struct bus *const *buses,
	    const struct core *core, struct notify *n, struct queue *q,
	    double started);

#endif
