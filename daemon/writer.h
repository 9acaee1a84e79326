/*
 * writer.h: the thread that writes the RRD files. The core puts readings
 * into the store's buffer itself (store_put: no I/O) and asks this
 * thread to write a sensor's file when its batch is due.
 */
#ifndef LW_WRITER_H
#define LW_WRITER_H

#include <stdint.h>

#include "../lib/conf.h"
#include "store.h"

struct writer;

struct writer_stats {
	uint64_t	errors;		/* writes a file refused */
};

/*
 * Start a thread that writes ST of config C (creating files, updates,
 * rrdcached) so that a slow disk or 3000 files being created never hold
 * up the core. Fatal if the thread cannot start.
 */
struct writer	*writer_start(struct store *st, const struct conf *c);
/*
 * Have sensor IDX's file written (store_pump) once writer_go says so;
 * never waits. The core kicks the files of a pass, then wakes the
 * thread once for them all.
 */
void		 writer_kick(struct writer *, int idx);
void		 writer_go(struct writer *);
/* Wait until every file asked for so far was written (or failed). */
void		 writer_drain(struct writer *);
void		 writer_stats(struct writer *, struct writer_stats *);
/* Write what was asked for, stop the thread; the store stays the caller's. */
void		 writer_stop(struct writer *);

#endif
