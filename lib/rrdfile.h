/*
 * rrdfile.h: the sensors' RRD files (DESIGN.md 6): where they are, how
 * they are laid out, checking one against its sensor, and the I/O under
 * them as a table of calls (struct store_ops) with librrd behind it
 * (rrdfile_ops); rrdcached.h gives the same table over rrdcached. The
 * daemon's store, `lakewatch import` and `lakewatch graph` go through
 * these, so a file is made and written one way.
 */
#ifndef LW_RRDFILE_H
#define LW_RRDFILE_H

#include <stddef.h>
#include <time.h>

#include "conf.h"

struct rrd_info_t;

/* What a store_ops call returns. */
#define STORE_OK	0
#define STORE_EFILE	(-1)	/* this file failed; err says why */
#define STORE_EDOWN	(-2)	/* the backend is unreachable */

#define RRDFILE_ARGS	33	/* most DS and RRA arguments of a file */

/* What store_ops.probe finds at a path. */
enum store_probe { PROBE_OK, PROBE_MISSING, PROBE_BAD, PROBE_CHANGED,
	PROBE_ERROR };

/*
 * The I/O under a store: librrd, rrdcached, or a test's fake. BE is the
 * backend's own state. Paths are absolute. Calls return STORE_OK or an
 * error with err filled, unless said otherwise.
 */
struct store_ops {
	const char	*name;		/* for log lines */
	int		(*open)(void *be, char err[LW_ERRLEN]);
	void		(*close)(void *be);
	/*
	 * PROBE_OK if PATH is an RRD laid out as rrdfile_args gives for S;
	 * PROBE_CHANGED (another step or archive set), PROBE_BAD (not an RRD)
	 * or PROBE_ERROR (cannot tell now) with the reason in why.
	 */
	int		(*probe)(void *be, const struct conf_sensor *s,
			    const char *path, char why[LW_ERRLEN]);
	/* Create PATH; START -1 with a SRC (migration): the source's last. */
	int		(*create)(void *be, const char *path,
			    unsigned long step, time_t start, const char *src,
			    int argc, const char **argv, char err[LW_ERRLEN]);
	int		(*update)(void *be, const char *path, int n,
			    const char **vals, char err[LW_ERRLEN]);
	int		(*last)(void *be, const char *path, time_t *t,
			    char err[LW_ERRLEN]);
	/* Have PATH written out / dropped from a cache; no-ops for librrd. */
	int		(*flush)(void *be, const char *path,
			    char err[LW_ERRLEN]);
	int		(*forget)(void *be, const char *path,
			    char err[LW_ERRLEN]);
	/* The monotonic clock, s (tests pass their own); NULL: the system's. */
	double		(*now)(void *be);
	/*
	 * 1: what update took is in the file for good (librrd), so the
	 * store need not keep sent values for a re-send; 0: a cache that
	 * may lose what it had not journaled (rrdcached).
	 */
	int		durable;
};

/* librrd in this process; BE is unused (NULL). */
extern const struct store_ops rrdfile_ops;

/*
 * The RRD file of sensor NAME into BUF: <state_dir>/rrd/NAME.rrd, or with
 * [daemon] station the name on a central rrdcached, <station>/NAME.rrd
 * (relative: rrdcached -b resolves it under its base directory).
 */
void	 rrdfile_path(const struct conf *, const char *name, char *buf,
	    size_t len);
/*
 * The archive arguments ("RRA:...") for a sensor with this step, at most
 * MAX of them into ARGS; returns how many.
 */
int	 rrdfile_rra_args(const struct conf_sensor *, char args[][64],
	    int max);
/* The DS and RRA arguments of sensor S's file; returns how many. */
int	 rrdfile_args(const struct conf_sensor *s, char args[][64], int max);
/* store_ops.probe of both backends: it reads the file with librrd. */
int	 rrdfile_probe(void *be, const struct conf_sensor *s,
	    const char *path, char why[LW_ERRLEN]);
/*
 * As rrdfile_probe for a file whose rrd_info list (rrdcached's INFO) is
 * INFO: PROBE_OK or PROBE_CHANGED with why.
 */
int	 rrdfile_probe_info(const struct conf_sensor *s,
	    const struct rrd_info_t *info, char why[LW_ERRLEN]);
/*
 * Where a migration of OLD (set aside) to S's layout starts the new file,
 * -1 if it cannot tell; *LAST is OLD's last update.
 */
time_t	 rrdfile_migrate_start(const char *old, const struct conf_sensor *s,
	    time_t *last);
/*
 * Call FN(ARG, t, v, err) for each row of OLD's finest AVERAGE archive
 * after START up to LAST (v NAN: UNKNOWN), stopping at the first that
 * does not return STORE_OK; returns that, or STORE_EFILE with err.
 */
int	 rrdfile_rows(const char *old, time_t start, time_t last,
	    int (*fn)(void *arg, time_t t, double v, char err[LW_ERRLEN]),
	    void *arg, char err[LW_ERRLEN]);

#endif
