/* log.c: one line per message on stderr, with an sd-daemon priority prefix */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/*
 * log_name and log_prio are set once, before any thread starts; the level
 * is set again on reload while other threads log, hence atomic.
 */
static const char	*log_name = "lakewatch";
static atomic_int	 log_level = LOG_LVL_INFO;
static int		 log_prio;	/* stderr is journald's: prefix "<N>" */

void
log_init(const char *progname, enum log_level level)
{
	log_name = progname;
	atomic_store_explicit(&log_level, level, memory_order_relaxed);
	log_prio = getenv("JOURNAL_STREAM") != NULL;
}

void
log_setlevel(enum log_level level)
{
	atomic_store_explicit(&log_level, level, memory_order_relaxed);
}

int
log_parselevel(const char *s)
{
	static const char *const names[] = { "error", "warning", "info",
	    "debug" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

/*
 * "<N>" is the sd-daemon(3) priority prefix journald understands; the
 * whole line goes out in one fprintf so threads do not interleave.
 */
static void vlog(enum log_level, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
vlog(enum log_level lvl, int err, const char *fmt, va_list ap)
{
	static const int prio[] = { 3, 4, 6, 7 };
	char msg[1024];
	char pfx[8] = "";

	/* relaxed: the level orders nothing else */
	if ((int)lvl > atomic_load_explicit(&log_level, memory_order_relaxed))
		return;
	if (log_prio)
		snprintf(pfx, sizeof(pfx), "<%d>", prio[lvl]);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err)
		fprintf(stderr, "%s%s: %s: %s\n", pfx, log_name, msg,
		    strerror(err));
	else
		fprintf(stderr, "%s%s: %s\n", pfx, log_name, msg);
}

#define LOG_FN(fn, lvl, witherr)				\
void								\
fn(const char *fmt, ...)					\
{								\
	int saved = errno;					\
	va_list ap;						\
								\
	va_start(ap, fmt);					\
	vlog(lvl, (witherr) ? saved : 0, fmt, ap);		\
	va_end(ap);						\
	errno = saved;						\
}

LOG_FN(log_warn, LOG_LVL_WARNING, 1)
LOG_FN(log_warnx, LOG_LVL_WARNING, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
