/* log.h: logging to stderr (journald adds time stamps), in the shape of ntpd's log.h */
#ifndef LW_LOG_H
#define LW_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARNING, LOG_LVL_INFO, LOG_LVL_DEBUG };

/*
 * Set the name printed before each line and the most verbose level shown.
 * log_init before any thread starts; log_setlevel at any time (reload).
 */
void	log_init(const char *progname, enum log_level level);
void	log_setlevel(enum log_level level);
/* Parse "debug" | "info" | "warning" | "error"; -1 when unknown. */
int	log_parselevel(const char *s);

/*
 * Under systemd (stderr is the journal's stream, JOURNAL_STREAM), each
 * message is sent with sd_journal_send: PRIORITY=, SYSLOG_IDENTIFIER=
 * (the program name, not repeated in the text) and the field of
 * log_field, so `journalctl SENSOR=centre-tp` finds a sensor's lines.
 * LW_LOG_STDERR in the environment keeps the plain stderr lines.
 *
 * The journal field a message is about, from how messages start (house
 * style: "sensor 'NAME': ..."): "SENSOR=NAME", "BUS=", "WEBHOOK=" or
 * "UPLINK=" into FIELD; 1, or 0 if MSG names none (FIELD untouched).
 */
int	log_field(const char *msg, char *field, size_t len);

/* log_warn appends ": strerror(errno)"; the x variants do not. */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log at error level and exit(1). Only before the main loop, on ENOMEM, or a broken invariant. */
void	fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
