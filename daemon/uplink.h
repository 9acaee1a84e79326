/*
 * uplink.h: HJ 212 data to monitoring platforms ([uplink NAME]; profiles
 * in lib/hj212.c).
 *
 * One thread per uplink, so a slow or silent platform delays only its
 * own packets, never another uplink nor the core. At the end of each
 * period (3600 s: every UTC hour, which is a Beijing hour) plus a few
 * seconds the thread builds the CN=2061 packets of that period (and the
 * real-time 2011, minute 2051 and Beijing-day 2031 ones) from the
 * sample log, writes each durably to <state_dir>/uplink/<name>/<QN>.pkt
 * (fsync'd) and only then sends. A packet leaves the spool when the
 * platform answered 9014 with its QN (ack = yes) or when its bytes were
 * written (ack = no); oldest first, also after a restart. The spool
 * holds at most UPLINK_SPOOL_MAX packets: beyond, the oldest is dropped,
 * counted and logged. <spool>/last holds the end of the last period
 * built, so periods that ended while the daemon was down are built at
 * the next start.
 */
#ifndef LW_UPLINK_H
#define LW_UPLINK_H

#include <stdint.h>
#include <time.h>

#include "../lib/conf.h"

#define UPLINK_SPOOL_MAX	10000	/* packets waiting, per uplink */
#define UPLINK_ERR_MAX		160

struct uplinks;

struct uplink_stats {
	int		 connected;
	size_t		 backlog;	/* packets in the spool */
	uint64_t	 sent;		/* packets written to the socket */
	uint64_t	 acked;		/* ... and answered (9014) */
	uint64_t	 dropped;	/* oldest dropped from a full spool */
	time_t		 last_ack;	/* 0: none yet */
	char		 last_error[UPLINK_ERR_MAX];	/* "" if none */
};

/*
 * Start a thread for each uplink of C (which must outlive them, until
 * uplinks_stop). Never NULL: exits on ENOMEM.
 */
struct uplinks	*uplinks_start(const struct conf *c);
/* Stop and join the threads (within about a second); NULL is fine. */
void		 uplinks_stop(struct uplinks *);
/* Counters of uplink I (the index into c->uplinks). */
void		 uplinks_stats(struct uplinks *, size_t i,
		    struct uplink_stats *);

#endif
