/* util.c: time and file helpers */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

struct timespec
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

struct timespec
ts_add(struct timespec a, double secs)
{
	long long ns = a.tv_nsec + (long long)(secs * 1e9);

	a.tv_sec += ns / 1000000000LL;
	a.tv_nsec = ns % 1000000000LL;
	if (a.tv_nsec < 0) {
		a.tv_nsec += 1000000000L;
		a.tv_sec--;
	}
	return a;
}

struct timespec
mono_after(int ms)
{
	return ts_add(mono_now(), ms / 1000.0);
}

double
ts_diff(struct timespec a, struct timespec b)
{
	return (double)(a.tv_sec - b.tv_sec) + (a.tv_nsec - b.tv_nsec) / 1e9;
}

double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double
mono_s(void)
{
	return ts_diff(mono_now(), (struct timespec){ 0, 0 });
}

/*
 * More than 1 s, and more than 1 ms per s since the last look: adjtime(3)
 * and NTP's slew change the rate by 0.5 ms/s at most.
 */
#define STEP_MIN	1.0
#define SLEW_MAX	0.001

double
wallclock_follow(struct wallclock *w, double mono, double wall)
{
	double d = wall - mono - w->off, since = mono - w->at;
	int first = w->at == 0;

	w->off = wall - mono;
	w->at = mono;
	return !first && fabs(d) > STEP_MIN + SLEW_MAX * since ? d : 0;
}

double
wallclock_step(struct wallclock *w)
{
	double mono = mono_s();

	return wallclock_follow(w, mono, wall_now());
}

void
fmt_rfc3339(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

int
read_ll(const char *path, long long *out)
{
	char buf[64], *end;
	FILE *fp;
	int rc = -1;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), fp) != NULL) {
		errno = 0;
		*out = strtoll(buf, &end, 10);
		if (errno == 0 && end != buf && (*end == '\0' || *end == '\n'))
			rc = 0;
	}
	fclose(fp);
	return rc;
}

static int
fsync_dir(const char *path)
{
	char tmp[PATH_MAX];
	int fd, rc;

	snprintf(tmp, sizeof(tmp), "%s", path);
	if ((fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
write_atomic(const char *path, const void *buf, size_t len, int mode)
{
	return write_replace(path, buf, len, mode, 1);
}

int
write_replace(const char *path, const void *buf, size_t len, int mode,
    int sync)
{
	char tmp[PATH_MAX];
	const char *p = buf;
	ssize_t n;
	int fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) == -1)
		return -1;
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (sync && fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) == -1)
		goto fail_unlink;
	return sync ? fsync_dir(path) : 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	errno = saved;
fail_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
	return -1;
}

int
mkdirs(const char *path, int mode)
{
	char tmp[PATH_MAX], *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

double
jitter01(void)
{
	static _Thread_local unsigned int seed;

	if (seed == 0)
		seed = (unsigned int)(getpid() ^ (uintptr_t)&seed ^
		    (unsigned int)mono_now().tv_nsec);
	return rand_r(&seed) / ((double)RAND_MAX + 1);
}
