/*
 * rrdcached.h: our own rrdcached client (rrdcached(1), "PROTOCOL"), a
 * store_ops backend like rrdfile_ops. Every request has a time-out (1 s;
 * 30 s for FLUSH and a migrating CREATE), which librrd's rrdc_* calls do
 * not have. One connection per client, used by one thread at a time.
 * Files are named by absolute path and rrdcached must see them there, or
 * ([daemon] station) by a relative one, <station>/<sensor>.rrd, that a
 * central rrdcached (-b BASE -B -R) resolves under its base: such files
 * are probed with INFO, made with CREATE and never touched directly.
 */
#ifndef LW_RRDCACHED_H
#define LW_RRDCACHED_H

#include "conf.h"
#include "rrdfile.h"

#define RRDC_LINE	4096	/* longest request (RRD_CMD_MAX) */

struct rrdc;

/* The calls over a struct rrdc as BE. */
extern const struct store_ops rrdcached_ops;

/*
 * The rrdcached to use: [daemon] rrdcached, else the RRDCACHED_ADDRESS
 * environment variable; NULL for none (librrd directly).
 */
const char	*rrdcached_address(const struct conf *);
/*
 * A client of ADDR ("unix:/path", "/path", "host", "host:port",
 * "[v6]:port"), not connected yet (rrdcached_ops.open does that).
 */
struct rrdc	*rrdcached_new(const char *addr);
void		 rrdcached_free(struct rrdc *);
const char	*rrdcached_addr(const struct rrdc *);
/* The last lost connection was a time-out (not a refusal or a close). */
int		 rrdcached_timedout(const struct rrdc *);

#endif
