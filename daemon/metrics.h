/*
 * metrics.h: Prometheus /metrics in the text exposition format (0.0.4),
 * served by libmicrohttpd's own thread when [daemon] metrics is set.
 * The main thread builds the text whenever it writes status.json (the
 * same figures) and swaps it in under a mutex; a scrape copies it out.
 * So a scrape never waits for the core loop, and the loop waits for at
 * most one copy of the text, never for a client.
 */
#ifndef LW_METRICS_H
#define LW_METRICS_H

#include <stddef.h>
#include <time.h>

#include "../lib/conf.h"
#include "bus.h"
#include "core.h"
#include "notify.h"
#include "queue.h"
#include "uplink.h"

struct metrics;

/* One sensor's figures; the strings are borrowed (from the conf). */
struct metrics_sensor {
	const char	*name, *site, *parameter;
	char		 flag;		/* of the last sample; 0: none yet */
	double		 value;		/* NAN: none */
	time_t		 t;		/* of the last sample */
	int		 cls;		/* GB 3838 class 1..6; 0: none */
	int		 firing;	/* an alert rule fires */
};

struct metrics_bus {
	const char	*name;
	struct bus_stats st;
};

struct metrics_uplink {
	const char	*name;
	struct uplink_stats st;
};

/* Everything /metrics shows: what status.json shows. */
struct metrics_data {
	double			 started;	/* wall clock */
	struct core_stats	 core;
	struct notify_stats	 outbox;
	size_t			 queue_depth;
	uint64_t		 queue_dropped;
	const struct metrics_sensor *sensors;
	size_t			 nsensor;
	const struct metrics_bus *buses;
	size_t			 nbus;
	const struct metrics_uplink *uplinks;
	size_t			 nuplink;
};

/*
 * The exposition text of D: HELP and TYPE once per family, then its
 * series. Pure; the caller frees the result. *LEN gets its length.
 * Exits on ENOMEM.
 */
char		*metrics_text(const struct metrics_data *d, size_t *len);

/* The server for C's metrics address (none if unset). Never NULL. */
struct metrics	*metrics_start(const struct conf *c);
/*
 * Reload: a changed address stops the server and starts it on the new
 * one (or none); the same address keeps it and its connections.
 */
void		 metrics_reconf(struct metrics *, const struct conf *c);
/*
 * Main thread, when status.json is written: build the text from the
 * running daemon's parts and hand it to the server. Nothing when off;
 * retries a server that could not listen, every RETRY s.
 */
void		 metrics_update(struct metrics *, const struct conf *c,
		    struct bus *const *buses, const struct core *core,
		    struct notify *n, struct queue *q, struct uplinks *up,
		    double started);
/* "127.0.0.1:34567": where the server listens (the port bound when the
   config says 0), or NULL when off or not listening. */
const char	*metrics_addr(const struct metrics *);
/* Stop the server (joins its thread) and free. NULL is fine. */
void		 metrics_stop(struct metrics *);

#endif
