/*
 * log.c: one line per message on stderr, with an sd-daemon priority
 * prefix; under systemd, one journal entry per message instead, with
 * the SENSOR=, BUS= or WEBHOOK= the message starts with as a field.
 */
#define SD_JOURNAL_SUPPRESS_LOCATION	/* CODE_FILE= would say log.c */
#include <systemd/sd-journal.h>

#include <sys/stat.h>
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
static int		 log_journal;	/* ... so sd_journal_send instead */

/*
 * stderr is the journal's stream when JOURNAL_STREAM names its device
 * and inode ("DEV:INO"), as systemd.exec(5) says to check: a program
 * started from a unit whose stderr was redirected inherits the variable
 * but not the stream.
 */
static int
stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char *end;

	/* "DEV:INO", both decimal */
	if (e == NULL)
		return 0;
	errno = 0;
	dev = strtoull(e, &end, 10);
	if (errno != 0 || end == e || *end != ':')
		return 0;
	e = end + 1;
	ino = strtoull(e, &end, 10);
	if (errno != 0 || end == e || *end != '\0' || fstat(2, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *progname, enum log_level level)
{
	log_name = progname;
	atomic_store_explicit(&log_level, level, memory_order_relaxed);
	log_prio = getenv("JOURNAL_STREAM") != NULL;
	log_journal = stderr_is_journal() && getenv("LW_LOG_STDERR") == NULL;
}

int
log_field(const char *msg, char *field, size_t len)
{
	static const struct {
		const char	*word, *key;
	} kinds[] = {
		{ "sensor '", "SENSOR=" }, { "bus '", "BUS=" },
		{ "webhook '", "WEBHOOK=" }, { "uplink '", "UPLINK=" },
	};
	const char *name, *end;
	size_t i, n;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		n = strlen(kinds[i].word);
		if (strncmp(msg, kinds[i].word, n) != 0)
			continue;
		name = msg + n;
		if ((end = strchr(name, '\'')) == NULL || end == name)
			return 0;
		snprintf(field, len, "%s%.*s", kinds[i].key,
		    (int)(end - name), name);
		return 1;
	}
	return 0;
}

/*
 * MSG to the journal with its priority and field; the identifier is the
 * program's name, so the text does not repeat it. 0, or -1 if journald
 * cannot be reached (the caller writes to stderr then).
 */
static int
log_to_journal(int prio, const char *msg)
{
	char field[128];

	if (log_field(msg, field, sizeof(field)))
		return sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio,
		    "SYSLOG_IDENTIFIER=%s", log_name, "%s", field,
		    NULL) < 0 ? -1 : 0;
	return sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio,
	    "SYSLOG_IDENTIFIER=%s", log_name, NULL) < 0 ? -1 : 0;
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
	char msg[1024], full[1200];
	char pfx[8] = "";
	const char *text;

	/* relaxed: the level orders nothing else */
	if ((int)lvl > atomic_load_explicit(&log_level, memory_order_relaxed))
		return;
	if (log_prio)
		snprintf(pfx, sizeof(pfx), "<%d>", prio[lvl]);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_journal) {
		text = msg;
		if (err) {
			snprintf(full, sizeof(full), "%s: %s", msg,
			    strerror(err));
			text = full;
		}
		if (log_to_journal(prio[lvl], text) == 0)
			return;
	}
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
