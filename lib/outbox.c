/* outbox.c: durable event files */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
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
	char name[OUTBOX_NAME_MAX];

	return outbox_add(state_dir, target, event_id, json, name, err);
}

/* the event id as it is in an entry's name */
static void
id_part(const char *event_id, char *id, size_t len)
{
	size_t i;

	snprintf(id, len, "%s", event_id);
	for (i = 0; id[i]; i++)
		if (id[i] == '/' || id[i] == ':')
			id[i] = '_';
}

int
outbox_holds(const char *name, const char *event_id)
{
	char id[96];
	const char *p;
	size_t n;

	id_part(event_id, id, sizeof(id));
	n = strlen(id);
	/* TIME-SEQ-ID.json */
	if ((p = strchr(name, '-')) == NULL || (p = strchr(p + 1, '-')) ==
	    NULL)
		return 0;
	return strncmp(p + 1, id, n) == 0 && strcmp(p + 1 + n, ".json") == 0;
}

int
outbox_add(const char *state_dir, const char *target, const char *event_id,
    const char *json, char *name, char err[LW_ERRLEN])
{
	static atomic_uint seq;
	char dir[PATH_MAX], path[PATH_MAX + OUTBOX_NAME_MAX], id[96];

	dirpath(dir, sizeof(dir), state_dir, "outbox", target);
	if (mkdirs(dir, 0750) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", dir, strerror(errno));
		return -1;
	}
	id_part(event_id, id, sizeof(id));
	snprintf(name, OUTBOX_NAME_MAX, "%014.0f-%06u-%s.json",
	    floor(wall_now() * 1000), atomic_fetch_add(&seq, 1) % 1000000,
	    id);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
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

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Remove NAME in DIR if it is a temp file a crash left behind. */
static void
drop_tmp(const char *dir, const char *name)
{
	char path[PATH_MAX + OUTBOX_NAME_MAX];
	size_t n = strlen(name);

	if (n < 4 || strcmp(name + n - 4, ".tmp") != 0)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static int
push_name(char ***v, size_t *n, size_t *cap, const char *name)
{
	char **nv;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((nv = realloc(*v, *cap * sizeof(*nv))) == NULL)
			return -1;
		*v = nv;
	}
	if (((*v)[*n] = strdup(name)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

int
outbox_scan(const char *state_dir, const char *target, char ***names,
    size_t *n)
{
	char dir[PATH_MAX];
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	*names = NULL;
	*n = 0;
	dirpath(dir, sizeof(dir), state_dir, "outbox", target);
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		drop_tmp(dir, de->d_name);
		if (is_entry(de->d_name) &&
		    push_name(names, n, &cap, de->d_name) == -1) {
			closedir(d);
			while (*n > 0)
				free((*names)[--*n]);
			free(*names);
			*names = NULL;
			errno = ENOMEM;
			return -1;
		}
	}
	closedir(d);
	if (*n > 0)
		qsort(*names, *n, sizeof(**names), by_name);
	return 0;
}

/* Entries in <state_dir>/KIND/TARGET (outbox or deadletter). */
static size_t
count_in(const char *state_dir, const char *kind, const char *target)
{
	char dir[PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	dirpath(dir, sizeof(dir), state_dir, kind, target);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += is_entry(de->d_name);
	closedir(d);
	return n;
}

size_t
outbox_dead_count(const char *state_dir, const char *target)
{
	return count_in(state_dir, "deadletter", target);
}

size_t
outbox_count(const char *state_dir, const char *target)
{
	return count_in(state_dir, "outbox", target);
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
	if (access(from, F_OK) == -1 || mkdirs(dir, 0750) == -1)
		return -1;
	snprintf(to, sizeof(to), "%s/%s.reason", dir, name);
	if (write_atomic(to, reason, strlen(reason), 0640) == -1)
		return -1;
	snprintf(to, sizeof(to), "%s/%s", dir, name);
	return rename(from, to);
}

static int
is_webhook(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nwebhook; i++)
		if (strcmp(c->webhooks[i].name, name) == 0)
			return 1;
	return 0;
}

int
outbox_orphans(const char *state_dir, const struct conf *c,
    void (*fn)(const char *, size_t, void *), void *arg)
{
	char dir[PATH_MAX];
	struct dirent *de;
	size_t n;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/outbox", state_dir);
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || is_webhook(c, de->d_name))
			continue;
		if ((n = count_in(state_dir, "outbox", de->d_name)) > 0)
			fn(de->d_name, n, arg);
	}
	closedir(d);
	return 0;
}
