/*
 * samplelog_idx.h: what one reader keeps of a sensor's sample-log month
 * files (samplelog.h) so that reading the rows of a period does not
 * parse the whole month again, as samplelog_scan does. The uplink
 * builds a packet every few seconds to every day, and answers history
 * requests of up to 1440 periods: each reads only the rows it needs.
 *
 * A month file is read once whole, then only what was appended since.
 * Its rows are kept as runs in time order (file offsets, first and last
 * time): the daemon appends in time order, but a stepped clock or an
 * import appends rows out of order, and each such row starts a run. A
 * period is then read from each run whose times meet it, from the first
 * row of the period (a binary search by time within the run) to the
 * first row after it. More than SLIDX_RUNS runs and the file is read
 * whole for each period, as samplelog_scan does. Either way the rows are
 * those samplelog_scan gives, in the same (file) order.
 *
 * A file replaced (another device or inode), cut (smaller than what was
 * read) or rewritten in place (the last bytes read have changed) is read
 * again from its start. A last line without its newline is being
 * written: it is read as samplelog_scan reads it, but not kept.
 */
#ifndef LW_SAMPLELOG_IDX_H
#define LW_SAMPLELOG_IDX_H

#include <time.h>

#include "conf.h"
#include "samplelog.h"

#define SLIDX_RUNS	16	/* runs in time order kept per month file */

struct slidx;

/* An index for one sensor, empty; NULL if out of memory. */
struct slidx	*slidx_new(void);
void		 slidx_free(struct slidx *);
/*
 * As samplelog_scan (same rows, same order, the same lines named as
 * skipped, though each only once per index): FN for every row of sensor
 * NAME with FROM <= t < TO. 0, or -1 with err filled.
 */
int		 slidx_scan(struct slidx *, const struct conf *c,
		    const char *name, time_t from, time_t to,
		    void (*fn)(void *, const struct samplelog_row *),
		    void *arg, char err[LW_ERRLEN]);
/* Lines parsed so far by this index (tests, bench). */
unsigned long	 slidx_parsed(const struct slidx *);

#endif
