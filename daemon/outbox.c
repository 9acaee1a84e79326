/* outbox.c: durable event files */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbox.h"
#include "util.h"

static void
dirpath(char *buf, size_t len, const char *state_dir, const char *sub,
    const char *target)
{
	snprintf(buf, len, "%s/%s/%s", state_dir, sub, target);
}

int
outbox_put(const char *state_dir, const char *target, const char *event_id,
    const char *json, char err[LW_ERRLEN])
{
	static atomic_uint seq;
	char dir[PATH_MAX], path[PATH_MAX + OUTBOX_NAME_MAX], id[96];
	size_t i;

	dirpath(dir, sizeof(dir), state_dir, "outbox", target);
	if (mkdirs(dir, 0750) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(id, sizeof(id), "%s", event_id);
	for (i = 0; id[i]; i++)
		if (id[i] == '/' || id[i] == ':')
			id[i] = '_';
	snprintf(path, sizeof(path), "%s/%014.0f-%06u-%s.json", dir,
	    wall_now() * 1000, atomic_fetch_add(&seq, 1) % 1000000, id);
	if (write_atomic(path, json, strlen(json), 0640) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
is_entry(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

int
outbox_oldest(const char *state_dir, const char *target, char *name,
    size_t len)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int found = 0;

	dirpath(dir, sizeof(dir), state_dir, "outbox", target);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!is_entry(de->d_name))
			continue;
		if (!found || strcmp(de->d_name, name) < 0)
			snprintf(name, len, "%s", de->d_name);
		found = 1;
	}
	closedir(d);
	return found;
}

size_t
outbox_count(const char *state_dir, const char *target)
{
	char dir[PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	dirpath(dir, sizeof(dir), state_dir, "outbox", target);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += is_entry(de->d_name);
	closedir(d);
	return n;
}

char *
outbox_read(const char *state_dir, const char *target, const char *name)
{
	char path[PATH_MAX + OUTBOX_NAME_MAX], *buf;
	FILE *fp;
	long len;

	dirpath(path, PATH_MAX, state_dir, "outbox", target);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s",
	    name);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == -1 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1 || (buf = malloc(len + 1)) == NULL) {
		fclose(fp);
		return NULL;
	}
	if (fread(buf, 1, len, fp) != (size_t)len) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	buf[len] = '\0';
	fclose(fp);
	return buf;
}

int
outbox_remove(const char *state_dir, const char *target, const char *name)
{
	char path[PATH_MAX + OUTBOX_NAME_MAX];

	dirpath(path, PATH_MAX, state_dir, "outbox", target);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s",
	    name);
	return unlink(path);
}

int
outbox_deadletter(const char *state_dir, const char *target,
    const char *name, const char *reason)
{
	char from[PATH_MAX + OUTBOX_NAME_MAX], dir[PATH_MAX];
	char to[PATH_MAX + OUTBOX_NAME_MAX + 8];

	dirpath(from, PATH_MAX, state_dir, "outbox", target);
	snprintf(from + strlen(from), sizeof(from) - strlen(from), "/%s",
	    name);
	dirpath(dir, sizeof(dir), state_dir, "deadletter", target);
	if (mkdirs(dir, 0750) == -1)
		return -1;
	snprintf(to, sizeof(to), "%s/%s.reason", dir, name);
	if (write_atomic(to, reason, strlen(reason), 0640) == -1)
		return -1;
	snprintf(to, sizeof(to), "%s/%s", dir, name);
	return rename(from, to);
}
