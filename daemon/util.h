/* util.h: time and file helpers shared by the modules */
#ifndef LW_UTIL_H
#define LW_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC now, and MS milliseconds from now. */
struct timespec	 mono_now(void);
struct timespec	 mono_after(int ms);
/* A + SECS (may be fractional). */
struct timespec	 ts_add(struct timespec a, double secs);
/* A - B in seconds. */
double		 ts_diff(struct timespec a, struct timespec b);
/* Wall-clock time as a double (seconds since the epoch). */
double		 wall_now(void);
/*
 * The wall clock followed against the monotonic one: off is wall - mono
 * (s) as last seen, at the monotonic time at. Zeroed: not yet seen.
 */
struct wallclock {
	double	off;
	double	at;
};
/*
 * Look at the wall clock (MONO and WALL: the two clocks now, s) and
 * follow it: the step in s if it moved more than slewing can since the
 * last look (then a step happened), else 0. wallclock_step() reads the
 * clocks itself.
 */
double		 wallclock_follow(struct wallclock *w, double mono, double wall);
double		 wallclock_step(struct wallclock *w);
/* CLOCK_MONOTONIC now in s. */
double		 mono_s(void);
/* "2026-11-26T08:00:00Z" into BUF (at least 21 bytes). */
void		 fmt_rfc3339(time_t t, char *buf, size_t len);
/*
 * Write LEN bytes to PATH durably: a temp file beside it, fsync, rename,
 * fsync of the directory. 0, or -1 with errno set.
 */
int		 write_atomic(const char *path, const void *buf, size_t len,
		    int mode);
/* The same, with fsync only if SYNC (status files need no durability). */
int		 write_replace(const char *path, const void *buf, size_t len,
		    int mode, int sync);
/* The decimal number alone on the first line of PATH; 0 or -1. */
int		 read_ll(const char *path, long long *out);
/* mkdir -p with MODE; 0 or -1 with errno set. */
int		 mkdirs(const char *path, int mode);
/* A random double in [0, 1), thread-safe (per-thread state). */
double		 jitter01(void);

#endif
