/* util.h: time and file helpers shared by the modules */
#ifndef LW_UTIL_H
#define LW_UTIL_H

#include <stdio.h>

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
/*
 * "2026-11-26T08:00:00Z" into BUF (at least 21 bytes); a time outside
 * the years 0..9999 shows as the epoch.
 */
void		 fmt_rfc3339(time_t t, char *buf, size_t len);
/*
 * snprintf's "%.*g" of D (PREC <= 10 digits fast, the rest by snprintf);
 * its length. fmt_g_fast: 0 where it is not the fast kind.
 */
size_t		 fmt_g(double d, int prec, char *buf, size_t len);
size_t		 fmt_g_fast(double d, int prec, char *buf, size_t len);
/*
 * "2026-11-26T08:00:00Z", "...T16:00:00+08:00" (RFC 3339, whole
 * seconds), or "2026-11-26 16:00[:SS]" in the local zone (TZ) into *T.
 * 0, or -1 with a reason in WHY (static text).
 */
int		 parse_rfc3339(const char *s, time_t *t, const char **why);
/*
 * TZ as glibc reads it: a POSIX rule ("CST-8", "<+08>-8",
 * "CST-8CDT,M4.1.0/2"): 0; or a tzdata file (":Asia/Shanghai",
 * "Asia/Shanghai", "UTC", "/etc/localtime"): 1, with its path in PATH.
 */
int		 tz_path(const char *tz, char *path, size_t len);
/* Days in MONTH (1..12) of YEAR. */
int		 days_in_month(int year, int month);
/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
long		 days_civil(int y, int m, int d);
/*
 * Write LEN bytes to PATH durably: a temp file beside it, fsync, rename,
 * fsync of the directory. 0, or -1 with errno set.
 */
int		 write_atomic(const char *path, const void *buf, size_t len,
		    int mode);
/*
 * The same, the text written by FILL to the stream it is given (0, or -1
 * with errno): a big document never whole in memory.
 */
int		 write_atomic_fill(const char *path, int mode,
		    int (*fill)(FILE *, void *), void *arg);
/* The same, with fsync only if SYNC (status files need no durability). */
int		 write_replace(const char *path, const void *buf, size_t len,
		    int mode, int sync);
/*
 * The same in the directory DFD, as NAME. The temporary file NAME.tmp is
 * made anew (O_EXCL | O_NOFOLLOW; a stale one or a link there is
 * removed first), so nothing is written through a link.
 */
int		 write_replace_at(int dfd, const char *name, const void *buf,
		    size_t len, int mode, int sync);
/*
 * Replace PATH by the text FILL writes to the stream it is given (0, or
 * -1 with errno), atomically for its readers, not durably, without
 * making or freeing an inode and without the whole text in memory: it
 * goes over PATH.prev (the version before last), which then changes
 * place with PATH (renameat2 RENAME_EXCHANGE; a plain rename where that
 * is missing). A FILL or a write that fails leaves PATH as it was. For
 * a file rewritten often (status.json). 0, or -1 with errno set.
 */
int		 write_swap(const char *path, int mode,
		    int (*fill)(FILE *, void *), void *arg);
/*
 * The directory SUB ("samples/tp") below BASE, opened O_DIRECTORY (the
 * caller closes it); missing parts made with MODE if CREATE. BASE is
 * the configured path and may be a link; no part of SUB may be (ELOOP
 * or ENOTDIR), nor "..". -1 with errno set.
 */
int		 dir_open_below(const char *base, const char *sub, int create,
		    int mode);
/*
 * For a tool run as root on DIR (state_dir) owned by another user: drop
 * to that uid and DIR's gid, no supplementary groups, for good, so what
 * the user can plant there (links) gives nothing root could. 0 (also
 * when not root, DIR owned by root or missing), or -1 with errno set.
 */
int		 priv_drop_to_owner(const char *dir);
/* The decimal number alone on the first line of PATH (not a link); 0/-1. */
int		 read_ll(const char *path, long long *out);
/* mkdir -p with MODE; 0 or -1 with errno set. */
int		 mkdirs(const char *path, int mode);
/* strdup(3) that exits on failure (fatal). */
char		*xstrdup(const char *s);
/*
 * URL for printing and logging into BUF (LEN bytes, truncated to fit):
 * the values of query keys named like a credential (token, key, secret,
 * sign, pass, auth: access_token, sign, key=...), the userinfo (all of
 * it, or the password after "user:") and path segments that look like a
 * token (16 or more of [A-Za-z0-9_-] with a digit: Feishu's and Slack's
 * hooks) shown as "***". Returns BUF.
 */
const char	*url_masked(const char *url, char *buf, size_t len);
/* A random double in [0, 1), thread-safe (per-thread state). */
double		 jitter01(void);

struct sockaddr_storage;
/*
 * "127.0.0.1:9471" or "[::1]:9471" (an IP address, never a name: one
 * address to bind, not what a resolver says; port 0..65535, 0 any free
 * one) into *SS (may be NULL to only check). 0, or -1 if malformed.
 */
int		 sockaddr_parse(const char *s, struct sockaddr_storage *ss);

#endif
