/*
 * outbox.h: alert events on disk, one file per event per webhook under
 * <state_dir>/outbox/<webhook>/, named so that name order is time order.
 * An event is written and fsync'd before anything is sent, and removed
 * only once its receiver accepted it.
 */
#ifndef LW_OUTBOX_H
#define LW_OUTBOX_H

#include <stddef.h>

#include "conf.h"

#define OUTBOX_NAME_MAX	256

/* Store event JSON for webhook TARGET durably; 0, or -1 with err filled. */
int	 outbox_put(const char *state_dir, const char *target,
	    const char *event_id, const char *json, char err[LW_ERRLEN]);
/* 1 if entry NAME holds event EVENT_ID (by its name). */
int	 outbox_holds(const char *name, const char *event_id);
/* The same, and the new entry's name into NAME (OUTBOX_NAME_MAX). */
int	 outbox_add(const char *state_dir, const char *target,
	    const char *event_id, const char *json, char *name,
	    char err[LW_ERRLEN]);
/*
 * K events at once (IDS[i], JSONS[i]), in order, with two fsyncs for the
 * lot; NAMES[i] gets entry i's name. How many, from the first, are in
 * the outbox for good; below K, ERR says why the next one is not.
 */
size_t	 outbox_add_many(const char *state_dir, const char *target,
	    const char *const *ids, const char *const *jsons, size_t k,
	    char (*names)[OUTBOX_NAME_MAX], char err[LW_ERRLEN]);
/*
 * The names of TARGET's entries in name (= time) order, as a malloc'd
 * array of malloc'd strings into *NAMES (the caller frees each and the
 * array) and their number into *N. Leftover "*.tmp" files of writes a
 * crash cut short are removed. 0 (no folder: none), or -1 with errno
 * set and nothing allocated.
 */
int	 outbox_scan(const char *state_dir, const char *target,
	    char ***names, size_t *n);
/* Entries in TARGET's dead-letter folder (without the .reason files). */
size_t	 outbox_dead_count(const char *state_dir, const char *target);
/* Name of the oldest entry of TARGET into NAME; 1 if found, 0 if none. */
int	 outbox_oldest(const char *state_dir, const char *target, char *name,
	    size_t len);
/* Contents of entry NAME, malloc'd and NUL-terminated; NULL on error. */
char	*outbox_read(const char *state_dir, const char *target,
	    const char *name);
/* Remove a delivered entry; 0 or -1. */
int	 outbox_remove(const char *state_dir, const char *target,
	    const char *name);
/*
 * Move entry NAME to <state_dir>/deadletter/<target>/ with a NAME.reason
 * file beside it saying why the receiver refused it; 0 or -1.
 */
int	 outbox_deadletter(const char *state_dir, const char *target,
	    const char *name, const char *reason);
/* Entries waiting for TARGET. */
size_t	 outbox_count(const char *state_dir, const char *target);
/*
 * FN(NAME, N, ARG) for each folder outbox/NAME under STATE_DIR that
 * holds N > 0 entries and is no webhook of C (a reload or an edit
 * removed it: nothing sends them; lakewatch deadletter moves or drops
 * them). 0 (no outbox/: none), or -1 with errno set.
 */
int	 outbox_orphans(const char *state_dir, const struct conf *c,
	    void (*fn)(const char *name, size_t n, void *arg), void *arg);

#endif
