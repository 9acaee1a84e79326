/* outbox.c: durable event files */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
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

/* TMP of entry NAME, made new and filled with JSON; its fd, or -1. */
static int
stage(int dfd, const char *name, const char *json)
{
	char tmp[OUTBOX_NAME_MAX + 8];
	size_t len = strlen(json);
	ssize_t w;
	int fd, saved;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0640)) == -1 && errno == EEXIST &&
	    unlinkat(dfd, tmp, 0) == 0)
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0640);
	while (fd != -1 && len > 0) {
		if ((w = write(fd, json, len)) == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			unlinkat(dfd, tmp, 0);
			errno = saved;
			return -1;
		}
		json += w;
		len -= (size_t)w;
	}
	/* its blocks allocated now, in the commit the first fsync makes */
	if (fd != -1)
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	return fd;
}

/* Close FDS[FROM..TO) and remove the temporary files of their entries. */
static void
unstage(int dfd, int *fds, char (*names)[OUTBOX_NAME_MAX], size_t from,
    size_t to)
{
	char tmp[OUTBOX_NAME_MAX + 8];

	for (; from < to; from++) {
		if (fds[from] != -1)
			close(fds[from]);
		fds[from] = -1;
		snprintf(tmp, sizeof(tmp), "%s.tmp", names[from]);
		unlinkat(dfd, tmp, 0);
	}
}

#define SYNC_THREADS	4		/* fsyncs of a batch under way at once */
#define SYNC_STACK	(64 * 1024)

/* Every STEP-th of FDS[FROM..K) fsync'd; ERRS[i]: 0 or its errno. */
struct syncs {
	const int	*fds;
	int		*errs;
	size_t		 from, step, k;
};

static void *
sync_some(void *arg)
{
	struct syncs *s = arg;
	size_t i;

	pthread_setname_np(pthread_self(), "lw-fsync");

	for (i = s->from; i < s->k; i += s->step)
		s->errs[i] = fsync(s->fds[i]) == 0 ? 0 : errno;
	return NULL;
}

/*
 * fsync FDS[0..K): the first alone, the rest SYNC_THREADS at a time.
 * Once the first fsync's journal commit has carried the others, each of
 * theirs still costs the disk a cache flush (~0.5-1 ms on a virtual
 * disk, more on flash): one after the other, a hundred events waited
 * ~80 ms before their alerts left; flushes asked for together are
 * merged. Returns how many from the first are on disk (errno: why not
 * the next).
 */
static size_t
sync_all(const int *fds, size_t k)
{
	struct syncs s[SYNC_THREADS];
	pthread_t t[SYNC_THREADS];
	pthread_attr_t a;
	int ok[SYNC_THREADS], *errs;
	size_t i, n;

	if (k == 0 || fsync(fds[0]) == -1)
		return 0;
	if (k == 1)
		return 1;
	if ((errs = calloc(k, sizeof(*errs))) == NULL)
		return 1;
	n = k - 1 < SYNC_THREADS ? k - 1 : SYNC_THREADS;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, SYNC_STACK);
	for (i = 0; i < n; i++) {
		s[i] = (struct syncs){ fds, errs, 1 + i, n, k };
		/* this thread takes the first share, and any not started */
		ok[i] = i > 0 && pthread_create(&t[i], &a, sync_some,
		    &s[i]) == 0;
	}
	pthread_attr_destroy(&a);
	for (i = 0; i < n; i++)
		if (!ok[i])
			sync_some(&s[i]);
	for (i = 0; i < n; i++)
		if (ok[i])
			pthread_join(t[i], NULL);
	for (i = 1; i < k && errs[i] == 0; i++)
		;
	if (i < k)
		errno = errs[i];
	free(errs);
	return i;
}

/*
 * The entries' files are all written and their writeback waited for
 * before any is fsync'd (a write's completion dirties its inode again:
 * fsync'd one by one, each would be a journal commit of its own). Then
 * the first fsync's commit carries the others, theirs cost a cache
 * flush each, asked for together (sync_all), and one fsync of the
 * folder makes all the renames durable: a burst of K events costs about
 * two commits, not 2K (each milliseconds on a loaded disk, and the
 * events waited for them in line). An entry is never renamed into place
 * before its text is on disk.
 */
static size_t
commit(int dfd, int *fds, char (*names)[OUTBOX_NAME_MAX], size_t k,
    const char *dir, char err[LW_ERRLEN])
{
	char tmp[OUTBOX_NAME_MAX + 8];
	size_t i, ok;

	for (i = 0; i < k; i++)
		(void)sync_file_range(fds[i], 0, 0,
		    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
		    SYNC_FILE_RANGE_WAIT_AFTER);
	if ((i = sync_all(fds, k)) < k)
		snprintf(err, LW_ERRLEN, "%s/%s: %s", dir, names[i],
		    strerror(errno));
	unstage(dfd, fds, names, i, k);
	for (ok = i, i = 0; i < ok; i++) {
		close(fds[i]);
		fds[i] = -1;
	}
	for (i = 0; i < ok; i++) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", names[i]);
		if (renameat(dfd, tmp, dfd, names[i]) == -1) {
			snprintf(err, LW_ERRLEN, "%s/%s: %s", dir, names[i],
			    strerror(errno));
			unstage(dfd, fds, names, i, ok);
			break;
		}
	}
	if (i > 0 && fsync(dfd) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", dir, strerror(errno));
		return 0;
	}
	return i;
}

size_t
outbox_add_many(const char *state_dir, const char *target,
    const char *const *ids, const char *const *jsons, size_t k,
    char (*names)[OUTBOX_NAME_MAX], char err[LW_ERRLEN])
{
	static atomic_uint seq;
	char dir[PATH_MAX], id[96];
	size_t i, done;
	int dfd, *fds;

	dirpath(dir, sizeof(dir), state_dir, "outbox", target);
	if (mkdirs(dir, 0750) == -1 || (dfd = open(dir, O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", dir, strerror(errno));
		return 0;
	}
	if ((fds = calloc(k, sizeof(*fds))) == NULL)
		fatal("outbox");
	for (i = 0; i < k; i++) {
		id_part(ids[i], id, sizeof(id));
		snprintf(names[i], OUTBOX_NAME_MAX, "%014.0f-%06u-%s.json",
		    floor(wall_now() * 1000), atomic_fetch_add(&seq, 1) %
		    1000000, id);
		if ((fds[i] = stage(dfd, names[i], jsons[i])) == -1) {
			snprintf(err, LW_ERRLEN, "%s/%s: %s", dir, names[i],
			    strerror(errno));
			break;
		}
	}
	done = commit(dfd, fds, names, i, dir, err);
	free(fds);
	close(dfd);
	return done;
}

int
outbox_add(const char *state_dir, const char *target, const char *event_id,
    const char *json, char *name, char err[LW_ERRLEN])
{
	return outbox_add_many(state_dir, target, &event_id, &json, 1,
	    (char (*)[OUTBOX_NAME_MAX])name, err) == 1 ? 0 : -1;
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
