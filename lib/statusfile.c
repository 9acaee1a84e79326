/* statusfile.c: the status file's place and pace (see statusfile.h) */
#include <stdio.h>

#include "statusfile.h"

int
status_every(const struct conf *c)
{
	int s = 1 + (int)(c->nsensor / 100);

	return s < STATUS_HEARTBEAT ? s : STATUS_HEARTBEAT;
}

int
status_stale_after(const struct conf *c)
{
	return STATUS_HEARTBEAT + 9 + status_every(c);
}

void
status_path(const struct conf *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/status.json", c->state_dir);
}
