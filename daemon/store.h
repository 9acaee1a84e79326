/* store.h: one RRD per sensor under <state_dir>/rrd (DESIGN.md 6) */
#ifndef LW_STORE_H
#define LW_STORE_H

#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "sample.h"

struct store;

/*
 * A store for the sensors of C (which must outlive it); makes the rrd
 * directory. NULL with a message in err if that fails.
 */
struct store	*store_new(const struct conf *c, char err[LW_ERRLEN]);
void		 store_free(struct store *);
/*
 * Write N samples of sensor index SENSOR, oldest first, in one update:
 * valid ones with their value, the others as UNKNOWN. The file is created
 * on first use. Samples not newer than the last update are skipped (RRD
 * cannot go back). Returns how many were written, or -1 with err filled.
 */
int		 store_update(struct store *, int sensor,
		    const struct sample *s, size_t n, char err[LW_ERRLEN]);
/* The RRD file of sensor NAME into BUF. */
void		 store_path(const struct conf *, const char *name, char *buf,
		    size_t len);
/* The archive arguments for a sensor with this step (for rrd_create). */
int		 store_rra_args(const struct conf_sensor *, char args[][64],
		    int max);

#endif
