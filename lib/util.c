/* util.c: time and file helpers */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
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

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900 ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

int
tz_path(const char *tz, char *path, size_t len)
{
	const char *p = tz, *q, *dir;

	if (*p == ':')
		p++;
	else {
		/* a rule: the standard zone's name, then its offset */
		if (*p == '<')
			q = (q = strchr(p, '>')) != NULL ? q + 1 : NULL;
		else {
			for (q = p; isalpha((unsigned char)*q); q++)
				;
			if (q - p < 3)
				q = NULL;
		}
		if (q != NULL && (*q == '+' || *q == '-'))
			q++;
		if (q != NULL && isdigit((unsigned char)*q))
			return 0;
	}
	if (*p == '/')
		snprintf(path, len, "%s", p);
	else
		snprintf(path, len, "%s/%s", (dir = getenv("TZDIR")) != NULL ?
		    dir : "/usr/share/zoneinfo", p);
	return 1;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
days_in_month(int year, int month)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return month == 2 && leap(year) ? 29 : n[month - 1];
}

/* Exactly N digits at *P into *V; advances *P. 0, or -1. */
static int
digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

long
days_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "[+-]HH:MM" or "Z" at S into *OFF seconds; 0, or -1. */
static int
zone(const char *s, long *off)
{
	int h, m, sign;

	if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0') {
		*off = 0;
		return 0;
	}
	if (s[0] != '+' && s[0] != '-')
		return -1;
	sign = s[0] == '-' ? -1 : 1;
	s++;
	if (digits(&s, 2, &h) == -1 || *s++ != ':' ||
	    digits(&s, 2, &m) == -1 || *s != '\0' || h > 23 || m > 59)
		return -1;
	*off = sign * (h * 3600L + m * 60L);
	return 0;
}

/* Local date and time to *T; -1 if the zone skips it (DST). */
static int
local_time(int y, int mo, int d, int h, int mi, int sec, time_t *t)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1,
	    .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec,
	    .tm_isdst = -1 }, back;

	*t = mktime(&tm);
	if (*t == (time_t)-1 || localtime_r(t, &back) == NULL)
		return -1;
	return back.tm_hour == h && back.tm_min == mi ? 0 : -1;
}

int
parse_rfc3339(const char *s, time_t *t, const char **why)
{
	int y, mo, d, h, mi, sec = 0;
	long off;
	char sep;

	*why = "bad time (want 2026-05-01T08:00:00Z, an offset such as "
	    "+08:00, or local '2026-05-01 16:00')";
	if (digits(&s, 4, &y) == -1 || *s++ != '-' || digits(&s, 2, &mo) ||
	    *s++ != '-' || digits(&s, 2, &d) == -1)
		return -1;
	sep = *s++;
	if ((sep != 'T' && sep != 't' && sep != ' ') ||
	    digits(&s, 2, &h) == -1 || *s++ != ':' || digits(&s, 2, &mi))
		return -1;
	if (*s == ':' && (s++, digits(&s, 2, &sec) == -1))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 59) {
		*why = "no such date or time";
		return -1;
	}
	if (*s == '.') {
		*why = "fractions of a second are not supported";
		return -1;
	}
	if (*s == '\0' && sep == ' ') {
		*why = "local time that does not exist in the timezone";
		return local_time(y, mo, d, h, mi, sec, t);
	}
	if (*s == '\0') {
		*why = "time without a zone: add Z or +08:00, or write local "
		    "time as '2026-05-01 16:00'";
		return -1;
	}
	if (zone(s, &off) == -1)
		return -1;
	*t = (time_t)(days_civil(y, mo, d) * 86400L + h * 3600L + mi * 60L +
	    sec - off);
	return 0;
}

char *
xstrdup(const char *s)
{
	char *d;

	if ((d = strdup(s)) == NULL)
		fatal("strdup");
	return d;
}

int
read_ll(const char *path, long long *out)
{
	char buf[64], *end;
	FILE *fp;
	int fd, rc = -1;

	/* not through a link; a FIFO must not block the reader */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return -1;
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return -1;
	}
	if (fgets(buf, sizeof(buf), fp) != NULL) {
		errno = 0;
		*out = strtoll(buf, &end, 10);
		if (errno == 0 && end != buf && (*end == '\0' || *end == '\n'))
			rc = 0;
	}
	fclose(fp);
	return rc;
}

int
write_atomic(const char *path, const void *buf, size_t len, int mode)
{
	return write_replace(path, buf, len, mode, 1);
}

/* PATH's folder, opened O_DIRECTORY; its last part into NAME. */
static int
open_dir_of(const char *path, char name[PATH_MAX])
{
	char dir[PATH_MAX], tmp[PATH_MAX];

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(name, PATH_MAX, "%s", basename(tmp));
	return open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int
write_replace(const char *path, const void *buf, size_t len, int mode,
    int sync)
{
	char name[PATH_MAX];
	int dfd, rc, saved;

	if ((dfd = open_dir_of(path, name)) == -1)
		return -1;
	rc = write_replace_at(dfd, name, buf, len, mode, sync);
	saved = errno;
	close(dfd);
	errno = saved;
	return rc;
}

/*
 * The temporary file is made new (O_EXCL, O_NOFOLLOW): one left by a
 * crash, or a link planted in its place, is removed, never written
 * through.
 */
static int
open_tmp(int dfd, const char *tmp, int mode)
{
	int fd;

	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1 && errno == EEXIST &&
	    unlinkat(dfd, tmp, 0) == 0)
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, mode);
	return fd;
}

int
write_replace_at(int dfd, const char *name, const void *buf, size_t len,
    int mode, int sync)
{
	char tmp[PATH_MAX];
	const char *p = buf;
	ssize_t n;
	int fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", name) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open_tmp(dfd, tmp, mode)) == -1)
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
	if (renameat(dfd, tmp, dfd, name) == -1)
		goto fail_unlink;
	return sync ? fsync(dfd) : 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	errno = saved;
fail_unlink:
	saved = errno;
	unlinkat(dfd, tmp, 0);
	errno = saved;
	return -1;
}

int
write_atomic_fill(const char *path, int mode, int (*fill)(FILE *, void *),
    void *arg)
{
	char name[PATH_MAX], tmp[PATH_MAX];
	FILE *f = NULL;
	int dfd, fd, saved, rc = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((dfd = open_dir_of(path, name)) == -1)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	if ((fd = open_tmp(dfd, tmp, mode)) == -1)
		goto out;
	if ((f = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	/* a few writes of 64 KiB, not the whole text in memory first */
	setvbuf(f, NULL, _IOFBF, 64 * 1024);
	if (fill(f, arg) == -1 || fflush(f) == EOF || ferror(f) ||
	    fsync(fileno(f)) == -1)
		goto fail;
	fd = fclose(f);
	f = NULL;
	if (fd == EOF)
		goto fail;
	if (renameat(dfd, tmp, dfd, name) == -1)
		goto fail;
	rc = fsync(dfd);
	goto out;
fail:
	saved = errno;
	if (f != NULL)
		fclose(f);
	unlinkat(dfd, tmp, 0);
	errno = saved;
out:
	saved = errno;
	close(dfd);
	errno = saved;
	return rc;
}

/*
 * The spare NAME.prev of write_swap: ours to overwrite only if it is a
 * plain file of ours with one link (O_NOFOLLOW: never through a link).
 * Its size in *SIZE.
 */
static int
open_spare(int dfd, const char *spare, off_t *size)
{
	struct stat st;
	int fd;

	if ((fd = openat(dfd, spare, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_nlink != 1 || st.st_uid != geteuid()) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	*size = st.st_size;
	return fd;
}

/* stdio's own buffer is a page: a status.json in one write(2), not 3 */
#define SWAP_BUF	(64 * 1024)

int
write_swap(const char *path, int mode, int (*fill)(FILE *, void *),
    void *arg)
{
	char spare[PATH_MAX], *buf;
	FILE *f;
	off_t off, size = 0;
	int fd, saved;

	if (snprintf(spare, sizeof(spare), "%s.prev", path) >=
	    (int)sizeof(spare)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open_spare(AT_FDCWD, spare, &size)) == -1) {
		if (errno != ENOENT && unlink(spare) == -1 && errno != ENOENT)
			return -1;
		if ((fd = open(spare, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, mode)) == -1)
			return -1;
	}
	/* over the spare's pages from its start ("w" truncates nothing) */
	if ((f = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if ((buf = malloc(SWAP_BUF)) != NULL)
		setvbuf(f, buf, _IOFBF, SWAP_BUF);
	if (fill(f, arg) == -1 || fflush(f) == EOF || ferror(f) ||
	    (off = ftello(f)) == -1 || (size > off && ftruncate(fd, off) == -1))
		goto fail;
	saved = fclose(f);
	free(buf);
	if (saved == EOF)
		return -1;
	/* the first time there is nothing to exchange with */
	if (renameat2(AT_FDCWD, spare, AT_FDCWD, path, RENAME_EXCHANGE) ==
	    0 || ((errno == ENOENT || errno == EINVAL || errno == ENOSYS) &&
	    rename(spare, path) == 0))
		return 0;
	return -1;
fail:
	saved = errno;
	fclose(f);
	free(buf);
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

/* One component NAME below DFD, made with MODE if CREATE; never a link. */
static int
subdir_at(int dfd, const char *name, int create, int mode)
{
	struct stat st;
	int fd;

	if (create && mkdirat(dfd, name, (mode_t)mode) == -1 &&
	    errno != EEXIST)
		return -1;
	if ((fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 && errno == ENOTDIR &&
	    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		errno = ELOOP;	/* say it is a link, not "not a directory" */
	return fd;
}

int
dir_open_below(const char *base, const char *sub, int create, int mode)
{
	char tmp[PATH_MAX], *p, *next;
	int fd, nfd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s", sub) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((create && mkdirs(base, mode) == -1) || (fd = open(base,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	for (p = tmp; p != NULL && *p != '\0'; p = next) {
		if ((next = strchr(p, '/')) != NULL)
			*next++ = '\0';
		if (strcmp(p, "..") == 0) {
			nfd = -1;
			errno = EINVAL;
		} else
			nfd = *p == '\0' || strcmp(p, ".") == 0 ?
			    dup(fd) : subdir_at(fd, p, create, mode);
		saved = errno;
		close(fd);
		errno = saved;
		if ((fd = nfd) == -1)
			return -1;
	}
	return fd;
}

int
priv_drop_to_owner(const char *dir)
{
	struct stat st;

	if (geteuid() != 0)
		return 0;
	if (stat(dir, &st) == -1)
		return errno == ENOENT ? 0 : -1;	/* missing: made by root */
	if (st.st_uid == 0)
		return 0;
	if (setgroups(0, NULL) == -1 || setgid(st.st_gid) == -1 ||
	    setuid(st.st_uid) == -1)
		return -1;
	if (setuid(0) != -1) {
		errno = EPERM;	/* not for good: do not go on */
		return -1;
	}
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

#define MASK	"***"

/* Append N bytes of S to the string in BUF (LEN bytes), truncating. */
static void
cat_n(char *buf, size_t len, const char *s, size_t n)
{
	size_t have = strlen(buf);

	if (have + 1 >= len)
		return;
	if (n > len - have - 1)
		n = len - have - 1;
	memcpy(buf + have, s, n);
	buf[have + n] = '\0';
}

/* A query key of N bytes at K that names a credential. */
static int
secret_key(const char *k, size_t n)
{
	static const char *const words[] = { "token", "key", "secret",
	    "sign", "pass", "auth", NULL };
	const char *const *w;
	size_t i, wl;

	for (w = words; *w != NULL; w++)
		for (wl = strlen(*w), i = 0; i + wl <= n; i++)
			if (strncasecmp(k + i, *w, wl) == 0)
				return 1;
	return 0;
}

/* A path segment of N bytes at S that looks like a token. */
static int
secret_segment(const char *s, size_t n)
{
	size_t i;
	int digit = 0;

	if (n < 16)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return 0;
		digit |= isdigit((unsigned char)s[i]) != 0;
	}
	return digit;
}

/* The path of URL from P (after the authority) up to '?' or '#'. */
static const char *
mask_path(const char *p, char *buf, size_t len)
{
	size_t n;

	while (*p == '/') {
		cat_n(buf, len, p++, 1);
		n = strcspn(p, "/?#");
		if (secret_segment(p, n))
			cat_n(buf, len, MASK, strlen(MASK));
		else
			cat_n(buf, len, p, n);
		p += n;
	}
	n = strcspn(p, "?#");
	cat_n(buf, len, p, n);
	return p + n;
}

/* The query from P ('?' or '#' or end): key=value pairs, '&' or ';'. */
static void
mask_query(const char *p, char *buf, size_t len)
{
	size_t k, v;

	while (*p == '?' || *p == '&' || *p == ';') {
		cat_n(buf, len, p++, 1);
		k = strcspn(p, "=&;#");
		cat_n(buf, len, p, k);
		p += k;
		if (*p != '=')
			continue;
		v = strcspn(p + 1, "&;#");
		if (secret_key(p - k, k) && v > 0)
			cat_n(buf, len, "=" MASK, strlen(MASK) + 1);
		else
			cat_n(buf, len, p, v + 1);
		p += v + 1;
	}
	cat_n(buf, len, p, strlen(p));	/* the fragment */
}

const char *
url_masked(const char *url, char *buf, size_t len)
{
	const char *p = url, *auth, *at, *colon;
	size_t n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if ((auth = strstr(url, "://")) != NULL) {
		auth += 3;
		n = strcspn(auth, "/?#");
		cat_n(buf, len, url, (size_t)(auth - url));
		at = memrchr(auth, '@', n);
		if (at != NULL) {
			colon = memchr(auth, ':', (size_t)(at - auth));
			if (colon != NULL)
				cat_n(buf, len, auth, (size_t)(colon - auth) + 1);
			cat_n(buf, len, MASK, strlen(MASK));
			cat_n(buf, len, at, (size_t)(auth + n - at));
		} else
			cat_n(buf, len, auth, n);
		p = auth + n;
	}
	mask_query(mask_path(p, buf, len), buf, len);
	return buf;
}

int
sockaddr_parse(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_storage tmp;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&tmp;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&tmp;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	size_t n;
	long port;

	if (colon == NULL || (n = (size_t)(colon - s)) >= sizeof(host) ||
	    colon[1] == '\0' || strspn(colon + 1, "0123456789") !=
	    strlen(colon + 1))
		return -1;
	if (strlen(colon + 1) > 5 || (port = strtol(colon + 1, NULL, 10)) >
	    65535)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	memset(&tmp, 0, sizeof(tmp));
	if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
	} else
		return -1;
	if (ss != NULL)
		*ss = tmp;
	return 0;
}

/*
 * "%.*g" of PREC <= 10 digits, in fixed notation (exponent -4 to PREC-1),
 * by one multiplication by an exact power of ten: its rounding error is
 * under 1e-5 of a unit of the last digit (the product is below 2^34),
 * so unless the digit after the last is a near-tie, rounding the product
 * rounds the exact value of D the same way. 0 for the rest (and zero).
 */
size_t
fmt_g_fast(double d, int prec, char *buf, size_t len)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14 };
	double a = fabs(d), s, fl;
	unsigned long long n;
	char dig[16], *p = buf;
	int e, k, i, last, tries;

	if (prec < 1 || prec > 10 || len < 32)
		return 0;
	if (d == 0) {
		if (signbit(d))
			*p++ = '-';
		*p++ = '0';
		*p = '\0';
		return (size_t)(p - buf);
	}
	if (!isfinite(d) || a < 1e-4 || a >= 1e10)
		return 0;
	e = (int)floor(log10(a));
	for (tries = 0; tries < 2; tries++) {
		k = prec - 1 - e;
		if (k < 0 || k > 14)
			return 0;
		s = a * p10[k];
		fl = floor(s);
		if (fabs(s - fl - 0.5) < 1e-5)
			return 0;
		n = (unsigned long long)fl + (s - fl > 0.5);
		if (n >= (unsigned long long)p10[prec])
			e++;
		else if (n < (unsigned long long)p10[prec - 1])
			e--;
		else
			break;
	}
	if (tries == 2 || e < -4 || e >= prec)
		return 0;
	for (i = prec - 1; i >= 0; i--, n /= 10)
		dig[i] = (char)('0' + n % 10);
	/* the digits that matter: %g drops trailing zeros of the fraction */
	for (last = prec - 1; last > e && last > 0 && dig[last] == '0'; last--)
		;
	if (d < 0)
		*p++ = '-';
	if (e < 0) {
		*p++ = '0';
		*p++ = '.';
		for (i = -1; i > e; i--)
			*p++ = '0';
		for (i = 0; i <= last; i++)
			*p++ = dig[i];
	} else {
		for (i = 0; i <= e; i++)
			*p++ = dig[i];
		if (last > e)
			*p++ = '.';
		for (i = e + 1; i <= last; i++)
			*p++ = dig[i];
	}
	*p = '\0';
	return (size_t)(p - buf);
}

size_t
fmt_g(double d, int prec, char *buf, size_t len)
{
	size_t n;
	int r;

	if ((n = fmt_g_fast(d, prec, buf, len)) > 0)
		return n;
	r = snprintf(buf, len, "%.*g", prec, d);
	return r < 0 ? 0 : (size_t)r < len ? (size_t)r : len - 1;
}
