/*
 * clockshift.so: an LD_PRELOAD shim for tests that steps the wall clock
 * of one process, not the machine's. CLOCK_REALTIME (and its coarse
 * variant), gettimeofday(2) and time(2) are offset by the seconds in
 * the file $LW_CLOCK_OFFSET_FILE ("-120", "3600.5"; missing or empty:
 * 0), re-read at most every 20 ms of the monotonic clock, which is left
 * alone. A test writes a new number to step the clock mid-run.
 */
#include <sys/time.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define REREAD_NS	20000000LL

typedef int (*gettime_fn)(clockid_t, struct timespec *);

static atomic_llong	offset_ns;
static atomic_llong	read_at = -1;	/* raw monotonic ns of the last read */

static gettime_fn
real_gettime(void)
{
	static _Atomic(gettime_fn) fn;
	gettime_fn f = atomic_load(&fn);

	if (f == NULL) {
		f = (gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
		atomic_store(&fn, f);
	}
	return f;
}

static long long
raw_ns(clockid_t id)
{
	struct timespec ts;

	real_gettime()(id, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The offset in ns, from the file when it was last read long enough ago. */
static long long
offset(void)
{
	const char *path = getenv("LW_CLOCK_OFFSET_FILE");
	long long now = raw_ns(CLOCK_MONOTONIC), was = atomic_load(&read_at);
	char buf[64];
	ssize_t n;
	int fd;

	if (path == NULL || (was != -1 && now - was < REREAD_NS))
		return atomic_load(&offset_ns);
	atomic_store(&read_at, now);
	n = -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	atomic_store(&offset_ns, (long long)(strtod(buf, NULL) * 1e9));
	return atomic_load(&offset_ns);
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	long long ns;

	if (id != CLOCK_REALTIME && id != CLOCK_REALTIME_COARSE)
		return real_gettime()(id, ts);
	ns = raw_ns(id) + offset();
	ts->tv_sec = (time_t)(ns / 1000000000LL);
	ts->tv_nsec = (long)(ns % 1000000000LL);
	return 0;
}

int
gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	(void)tz;
	clock_gettime(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;		/* glibc declares it nonnull */
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

time_t
time(time_t *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t != NULL)
		*t = ts.tv_sec;
	return ts.tv_sec;
}
