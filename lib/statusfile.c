/* statusfile.c: the status file's place and pace (see statusfile.h) */
#include <stdio.h>
#include <time.h>

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

json_t *
status_load(const char *path, json_error_t *e)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	json_t *j;
	int i;

	for (i = 0; i < 3; i++) {
		if ((j = json_load_file(path, 0, e)) != NULL ||
		    json_error_code(e) == json_error_cannot_open_file)
			return j;
		nanosleep(&pause, NULL);
	}
	return NULL;
}
