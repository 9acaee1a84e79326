/* sdnotify.h: systemd notifications via libsystemd; no-ops outside systemd */
#ifndef LW_SDNOTIFY_H
#define LW_SDNOTIFY_H

/* Read WATCHDOG_USEC; returns the ping interval in seconds, 0 if none. */
double	sdnotify_init(void);
void	sdnotify_ready(void);
/* RELOADING=1 with MONOTONIC_USEC, as systemd 253+ wants; 252 ignores it. */
void	sdnotify_reloading(void);
void	sdnotify_stopping(void);
void	sdnotify_watchdog(void);
void	sdnotify_status(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
