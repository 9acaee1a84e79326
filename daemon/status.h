/*
 * status.h: the daemon's self-metrics as JSON in <state_dir>/status.json,
 * rewritten every few seconds, for `lakewatch status` and monitoring.
 */
#ifndef LW_STATUS_H
#define LW_STATUS_H

#include "../lib/conf.h"
#include "../lib/statusfile.h"
#include "bus.h"
#include "core.h"
#include "notify.h"
#include "queue.h"
#include "uplink.h"

/*
 * Write the status of a running daemon: per bus counters (BUSES has
 * c->nbus entries), per sensor last sample and alert state, outbox and
 * queue, per uplink its connection and spool (UP may be NULL), and
 * METRICS, where /metrics is served (NULL: not). 0, or -1 with errno set
 * (the caller logs once).
 */
int	status_write(const struct conf *c, struct bus *const *buses,
	    const struct core *core, struct notify *n, struct queue *q,
	    struct uplinks *up, double started, const char *metrics);

#endif
