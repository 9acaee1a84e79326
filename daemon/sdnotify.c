/* sdnotify.c: sd_notify(3) */
#include <systemd/sd-daemon.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sdnotify.h"

double
sdnotify_init(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec / 1e6 / 3;
}

void
sdnotify_ready(void)
{
	sd_notify(0, "READY=1");
}

void
sdnotify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000);
}

void
sdnotify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
sdnotify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}

/*
 * Formatted once, and not at all where no manager listens (no
 * NOTIFY_SOCKET): it goes with every status.json, a poll round.
 */
void
sdnotify_status(const char *fmt, ...)
{
	char buf[512] = "STATUS=";
	va_list ap;

	if (getenv("NOTIFY_SOCKET") == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + 7, sizeof(buf) - 7, fmt, ap);
	va_end(ap);
	sd_notify(0, buf);
}
