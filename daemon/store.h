/*
 * store.h: one RRD per sensor under <state_dir>/rrd (DESIGN.md 6), written
 * with librrd or through rrdcached ([daemon] rrdcached, else the
 * RRDCACHED_ADDRESS environment variable), behind a bounded buffer.
 *
 * Every accepted sample goes into the buffer ([daemon] store_buffer
 * values, all sensors together), the only one between a reading and its
 * file, and is written from there when its file is pumped. While
 * rrdcached is down, or a file cannot be written (EIO, ENOSPC, a bad
 * file), the values wait there and are retried with backoff, in time
 * order. When the buffer is full the oldest value goes, unwritten or not:
 * counted, and logged once an episode (until the oldest value held is
 * written again); the sample log is the record of truth. Values
 * already handed to rrdcached stay in the buffer until pushed out by newer
 * ones, so what a killed rrdcached had not journaled is sent again.
 *
 * A file is checked on first use and after a failed write: missing, it
 * is created; unreadable as an RRD, it is moved to
 * <name>.rrd.<unixtime>.bad and a new one made, which gets the values
 * still held; with another step or archive set than rrdfile_args
 * gives, it is migrated: rrd_create with the old file as source, then
 * the old finest archive's rows sent again (rrdtool 1.7.2's prefill only
 * approximates them across a step change), the old one kept as
 * <name>.rrd.<unixtime>.old. Each of these logs one line.
 *
 * Two threads use a store: the core puts values (store_put), the writer
 * thread (writer.c) does everything else. A lock guards the store but is
 * not held during backend calls, so a put never waits for the disk or
 * rrdcached. With rrdcached the files are created through it, so it must
 * run on this host and see state_dir at the same path (unix socket or
 * loopback TCP; "-B -b <state_dir>/rrd" works); file names are sent as
 * absolute paths.
 */
#ifndef LW_STORE_H
#define LW_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../lib/conf.h"
#include "../lib/rrdfile.h"
#include "../lib/sample.h"

struct store;

#define STORE_BUFFER	100000	/* values buffered, by default */

struct store_stats {
	const char	*backend;	/* "file" (librrd) or "rrdcached" */
	uint64_t	written;	/* values the RRD (or rrdcached) took */
	uint64_t	dropped;	/* unwritten values pushed out, full */
	size_t		pending;	/* values waiting to be written */
	int		down;		/* the backend is unreachable now */
};

/*
 * A store for the sensors of C (which must outlive it); makes the rrd
 * directory and, with rrdcached, tries to connect (failing that is no
 * error: updates are buffered and the connection retried). NULL with a
 * message in err if the directory cannot be made.
 */
struct store	*store_new(const struct conf *c, char err[LW_ERRLEN]);
/* The same over OPS with backend state BE (both must outlive it). */
struct store	*store_new_ops(const struct conf *c,
		    const struct store_ops *ops, void *be,
		    char err[LW_ERRLEN]);
/*
 * Take over what OLD (a store of the previous config) still holds,
 * matching sensors by name, so a reload loses nothing buffered. OLD is
 * left empty; it must still be freed. Before any value is pumped.
 */
void		 store_adopt(struct store *, struct store *old);
/*
 * Write what is buffered (one more try even while backing off), then,
 * with rrdcached, flush the files this store wrote so a graph made right
 * after sees everything; logs what could not be written. Frees ST.
 */
void		 store_free(struct store *);
/*
 * Put N samples of sensor index SENSOR into the buffer, oldest first:
 * valid ones with their value, the others as UNKNOWN. Samples not newer
 * than the last accepted one are skipped (RRD cannot go back, nor take
 * two updates in one second). Returns how many were accepted. No I/O.
 */
int		 store_put(struct store *, int sensor,
		    const struct sample *s, size_t n);
/*
 * Write what SENSOR's file holds (making the file first if need be).
 * 0, also while rrdcached is down (the values wait), or -1 with err
 * filled when this file cannot be written; its values are kept and
 * retried all the same.
 */
int		 store_pump(struct store *, int sensor, char err[LW_ERRLEN]);
/* store_put, then store_pump: how many were accepted, or -1. */
int		 store_update(struct store *, int sensor,
		    const struct sample *s, size_t n, char err[LW_ERRLEN]);
/*
 * Make sensor NAME's file complete on disk before it is read (graph,
 * fetch): send what is buffered for it and, with rrdcached, FLUSH it.
 * 0 (also without rrdcached, or for an unknown name), or -1 with err.
 */
int		 store_flush(struct store *, const char *name,
		    char err[LW_ERRLEN]);
void		 store_stats(struct store *, struct store_stats *);
/*
 * The process is stopping: every store still makes files (creates,
 * replaces, migrates) for CREATE s from now and writes values for WRITE
 * s; after that a missing file is left to the next start and what is
 * held stays unwritten (the sample log has it), so a stop takes bounded
 * time. Called once, from any thread (the signal thread: the disk is
 * freed at once, not when the core gets round to stopping).
 */
void		 store_hurry(double create, double write);
#endif
