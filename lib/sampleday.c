/*
 * sampleday.c: a sample-log month file summed by local day, and the
 * .days cache of those sums beside it (sampleday.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "log.h"
#include "monthrule.h"
#include "samplelog.h"
#include "sampleday.h"
#include "util.h"

/* Bump the version when the sums change meaning (report_add's rules). */
#define SD_MAGIC	"lwdays1\n"
#define SD_BOM		0x01020304u
#define SD_MAX		(64L << 20)	/* a bigger .days is not one of ours */
#define SD_RACY		2		/* s: a change may not show in mtime */
#define SD_CHUNK	(256 * 1024)
#define SD_SLOTS	(2 * SAMPLEDAY_DAYS)

/* ---- summing rows ---------------------------------------------------- */

static void
month_init(struct sd_month *m, time_t start)
{
	struct tm tm;

	memset(m, 0, sizeof(*m));
	m->head_slot = m->head_yday = -1;
	if (localtime_r(&start, &tm) == NULL)
		return;
	m->year0 = tm.tm_year + 1900;
	if (tm.tm_hour || tm.tm_min || tm.tm_sec) {
		m->head_slot = 0;
		m->head_yday = tm.tm_yday;
	}
}

void
sampleday_free(struct sd_month *m)
{
	free(m->raw);
	m->raw = NULL;
	m->nraw = m->rawcap = 0;
}

static void
raw_push(struct sd_month *m, double v)
{
	double *p;

	if (m->nraw == m->rawcap) {
		m->rawcap = m->rawcap ? m->rawcap * 2 : 256;
		if ((p = realloc(m->raw, m->rawcap * sizeof(*p))) == NULL)
			fatal("sampleday");
		m->raw = p;
	}
	m->raw[m->nraw++] = v;
}

/* The row-by-row rule of report_add (monthrule.h), by local day. */
static void
month_add(struct sd_month *m, const struct conf_sensor *s,
    const struct samplelog_row *r)
{
	struct sd_day *d;
	struct tm tm;
	int slot;

	if (localtime_r(&r->t, &tm) == NULL)
		return;
	slot = tm.tm_year + 1900 - m->year0;
	if (slot < 0 || slot > 1)
		return;		/* no report of a year this file covers */
	d = &m->day[slot][tm.tm_yday];
	d->nall++;
	if (r->flag != 'B' && isfinite(r->value))
		d->nobt++;
	if (!report_flag_valid(r->flag) || !isfinite(r->value) ||
	    (s != NULL && !conf_plausible(s, r->value)))
		return;
	d->sum += r->value;
	d->nvalid++;
	if (slot == m->head_slot && tm.tm_yday == m->head_yday)
		raw_push(m, r->value);
}

/* LINE of LEN bytes, LINE[LEN] writable, as scan_file reads it. */
static void
month_line(struct sd_month *m, const struct conf_sensor *s, char *line,
    size_t len)
{
	struct samplelog_row r;
	char saved = line[len];

	m->lines++;
	if (m->lines == 1 && len == strlen(SAMPLELOG_HEADER) &&
	    memcmp(line, SAMPLELOG_HEADER, len) == 0)
		return;
	line[len] = '\0';
	if (samplelog_parse_line(line, len, &r) == 0)
		month_add(m, s, &r);
	else {
		if (m->nskip < SAMPLEDAY_SKIPS)
			m->skip[m->nskip] = (int)m->lines;
		m->nskip++;
	}
	line[len] = saved;
}

/* A month file being read: whole lines are hashed and summed. */
struct rd {
	int		 fd;
	char		*buf;
	size_t		 cap, len;	/* LEN bytes kept: a line begun */
	EVP_MD_CTX	*md;		/* NULL: no hash */
	unsigned long long cover;	/* bytes of whole lines */
};

static ssize_t
rd_read(struct rd *rd)
{
	ssize_t n;

	if (rd->cap - rd->len < SD_CHUNK / 2) {
		rd->cap *= 2;
		if ((rd->buf = realloc(rd->buf, rd->cap + 1)) == NULL)
			fatal("sampleday");
	}
	do
		n = read(rd->fd, rd->buf + rd->len, rd->cap - rd->len);
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == EAGAIN)
		n = 0;		/* a FIFO without data: as getline, the end */
	return n;
}

/* Sum the rest of RD's file into M; a last line without newline stays. */
static int
rd_sum(struct rd *rd, struct sd_month *m, const struct conf_sensor *s)
{
	char *p, *nl, *end;
	ssize_t n;

	while ((n = rd_read(rd)) > 0) {
		rd->len += (size_t)n;
		if ((nl = memrchr(rd->buf, '\n', rd->len)) == NULL)
			continue;
		nl++;
		if (rd->md != NULL)
			EVP_DigestUpdate(rd->md, rd->buf,
			    (size_t)(nl - rd->buf));
		rd->cover += (unsigned long long)(nl - rd->buf);
		for (p = rd->buf; p < nl; p = end + 1) {
			end = memchr(p, '\n', (size_t)(nl - p));
			month_line(m, s, p, (size_t)(end - p + 1));
		}
		rd->len = (size_t)(rd->buf + rd->len - nl);
		memmove(rd->buf, nl, rd->len);
	}
	return n == -1 ? -1 : 0;
}

/* Hash the first N bytes of RD's file; 1 if they are HASH, 0 if not. */
static int
rd_verify(struct rd *rd, unsigned long long n, const unsigned char *hash)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *c;
	ssize_t k;
	int ok;

	while (n > 0) {
		do
			k = read(rd->fd, rd->buf, n < rd->cap ? n : rd->cap);
		while (k == -1 && errno == EINTR);
		if (k <= 0)
			return 0;
		EVP_DigestUpdate(rd->md, rd->buf, (size_t)k);
		n -= (unsigned long long)k;
	}
	if ((c = EVP_MD_CTX_new()) == NULL)
		fatal("sampleday");
	ok = EVP_MD_CTX_copy_ex(c, rd->md) == 1 &&
	    EVP_DigestFinal_ex(c, md, NULL) == 1 && memcmp(md, hash, 32) == 0;
	EVP_MD_CTX_free(c);
	return ok;
}

/* ---- the .days image ------------------------------------------------- */

struct cur {
	unsigned char	*p;
	const unsigned char *q;
	size_t		 left;
};

static void
put(struct cur *c, const void *v, size_t n)
{
	if (n == 0)
		return;		/* V may be NULL (no values kept) */
	memcpy(c->p, v, n);
	c->p += n;
}

static int
get(struct cur *c, void *v, size_t n)
{
	if (c->left < n)
		return -1;
	memcpy(v, c->q, n);
	c->q += n;
	c->left -= n;
	return 0;
}

struct sd_head {
	uint32_t	bom;
	unsigned char	key[32];
	uint64_t	dev, ino, size, cover;
	int64_t		mtime_s, mtime_ns, ctime_s, ctime_ns;
	int32_t		racy, year0, head_slot, head_yday, nskip;
	int32_t		skip[SAMPLEDAY_SKIPS];
	int64_t		lines;
	unsigned char	hash[32];
	uint32_t	ndays;
	uint64_t	nraw;
};

struct sd_rec {
	uint32_t	idx;		/* slot * SAMPLEDAY_DAYS + yday */
	int32_t		nvalid, nall, nobt;
	double		sum;
};

static void
sha256(const void *buf, size_t len, unsigned char md[32])
{
	EVP_Digest(buf, len, md, NULL, EVP_sha256(), NULL);
}

size_t
sampleday_encode(const struct sd_month *m, const struct sd_ident *id,
    const unsigned char key[32], unsigned char **buf)
{
	struct sd_head h;
	struct sd_rec r;
	struct cur c;
	size_t len;
	int i;

	memset(&h, 0, sizeof(h));
	h.bom = SD_BOM;
	memcpy(h.key, key, 32);
	h.dev = id->dev;
	h.ino = id->ino;
	h.size = id->size;
	h.cover = id->cover;
	h.mtime_s = id->mtime_s;
	h.mtime_ns = id->mtime_ns;
	h.ctime_s = id->ctime_s;
	h.ctime_ns = id->ctime_ns;
	h.racy = id->racy;
	memcpy(h.hash, id->hash, 32);
	h.year0 = m->year0;
	h.head_slot = m->head_slot;
	h.head_yday = m->head_yday;
	h.nskip = m->nskip;
	memcpy(h.skip, m->skip, sizeof(h.skip));
	h.lines = m->lines;
	for (i = 0; i < SD_SLOTS; i++)
		h.ndays += m->day[i / SAMPLEDAY_DAYS]
		    [i % SAMPLEDAY_DAYS].nall > 0;
	h.nraw = m->nraw;
	len = 8 + sizeof(h) + h.ndays * sizeof(r) + m->nraw * sizeof(double) +
	    32;
	if ((c.p = *buf = malloc(len)) == NULL)
		fatal("sampleday");
	put(&c, SD_MAGIC, 8);
	put(&c, &h, sizeof(h));
	for (i = 0; i < SD_SLOTS; i++) {
		const struct sd_day *d = &m->day[i / SAMPLEDAY_DAYS]
		    [i % SAMPLEDAY_DAYS];

		if (d->nall == 0)
			continue;
		memset(&r, 0, sizeof(r));
		r.idx = (uint32_t)i;
		r.nvalid = d->nvalid;
		r.nall = d->nall;
		r.nobt = d->nobt;
		r.sum = d->sum;
		put(&c, &r, sizeof(r));
	}
	put(&c, m->raw, m->nraw * sizeof(double));
	sha256(*buf, len - 32, c.p);
	return len;
}

static int
head_ok(const struct sd_head *h, const unsigned char key[32], size_t len)
{
	size_t body = len - 8 - sizeof(*h) - 32;

	return h->bom == SD_BOM && memcmp(h->key, key, 32) == 0 &&
	    h->head_slot >= -1 && h->head_slot <= 1 &&
	    h->head_yday >= -1 && h->head_yday < SAMPLEDAY_DAYS &&
	    (h->head_slot == -1) == (h->head_yday == -1) &&
	    h->nskip >= 0 && h->lines >= 0 && h->lines <= INT_MAX &&
	    h->cover <= h->size && h->ndays <= SD_SLOTS &&
	    h->nraw <= body / sizeof(double) &&
	    body == h->ndays * sizeof(struct sd_rec) +
	    h->nraw * sizeof(double);
}

int
sampleday_decode(const unsigned char *buf, size_t len,
    const unsigned char key[32], struct sd_month *m, struct sd_ident *id)
{
	unsigned char md[32];
	struct sd_head h;
	struct sd_rec r;
	struct sd_day *d;
	struct cur c = { NULL, buf + 8, len };
	uint32_t i;

	if (len < 8 + sizeof(h) + 32 || memcmp(buf, SD_MAGIC, 8) != 0)
		return -1;
	sha256(buf, len - 32, md);
	c.left = len - 8 - 32;
	if (memcmp(md, buf + len - 32, 32) != 0 || get(&c, &h, sizeof(h)) ||
	    !head_ok(&h, key, len))
		return -1;
	memset(m, 0, sizeof(*m));
	m->year0 = h.year0;
	m->head_slot = h.head_slot;
	m->head_yday = h.head_yday;
	m->lines = (long)h.lines;
	m->nskip = h.nskip;
	memcpy(m->skip, h.skip, sizeof(m->skip));
	for (i = 0; i < h.ndays; i++) {
		if (get(&c, &r, sizeof(r)) == -1 || r.idx >= SD_SLOTS ||
		    r.nvalid < 0 || r.nall < r.nvalid || r.nobt < 0 ||
		    r.nobt > r.nall)
			goto bad;
		d = &m->day[r.idx / SAMPLEDAY_DAYS][r.idx % SAMPLEDAY_DAYS];
		d->sum = r.sum;
		d->nvalid = r.nvalid;
		d->nall = r.nall;
		d->nobt = r.nobt;
	}
	if (h.head_slot >= 0 && (uint64_t)m->day[h.head_slot]
	    [h.head_yday].nvalid != h.nraw)
		goto bad;
	if (h.head_slot == -1 && h.nraw != 0)
		goto bad;
	if (h.nraw > 0) {
		m->nraw = m->rawcap = (size_t)h.nraw;
		if ((m->raw = malloc(m->nraw * sizeof(double))) == NULL)
			fatal("sampleday");
		if (get(&c, m->raw, m->nraw * sizeof(double)) == -1)
			goto bad;
	}
	id->dev = h.dev;
	id->ino = h.ino;
	id->size = h.size;
	id->cover = h.cover;
	id->mtime_s = h.mtime_s;
	id->mtime_ns = h.mtime_ns;
	id->ctime_s = h.ctime_s;
	id->ctime_ns = h.ctime_ns;
	id->racy = h.racy;
	memcpy(id->hash, h.hash, 32);
	return 0;
bad:
	sampleday_free(m);
	memset(m, 0, sizeof(*m));
	return -1;
}

/* ---- the key: timezone and plausible range -------------------------- */

static pthread_mutex_t	tz_lock = PTHREAD_MUTEX_INITIALIZER;
static int		tz_done, tz_unset;	/* tz_sum is of TZ, unset */
static char		tz_seen[256];
static unsigned char	tz_sum[32];

/* The zone TZ names, by its file's contents (a tzdata update shows). */
static void
tz_fingerprint(const char *tz, unsigned char md[32])
{
	char path[PATH_MAX], buf[8192];
	const char *dir = getenv("TZDIR"), *name;
	EVP_MD_CTX *c;
	ssize_t n;
	int fd;

	if ((c = EVP_MD_CTX_new()) == NULL)
		fatal("sampleday");
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, tz ? tz : "", tz ? strlen(tz) + 1 : 0);
	name = tz == NULL ? "/etc/localtime" : tz[0] == ':' ? tz + 1 : tz;
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", dir ? dir :
		    "/usr/share/zoneinfo", name);
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) != -1) {
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			EVP_DigestUpdate(c, buf, (size_t)n);
		close(fd);
	}
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
}

static void
make_key(const struct conf_sensor *s, unsigned char key[32])
{
	const char *tz = getenv("TZ");
	unsigned char buf[32 + 1 + 2 * sizeof(double)];

	pthread_mutex_lock(&tz_lock);
	if (!tz_done || tz_unset != (tz == NULL) || (tz != NULL &&
	    (strlen(tz) >= sizeof(tz_seen) || strcmp(tz, tz_seen) != 0))) {
		tz_fingerprint(tz, tz_sum);
		tz_done = 1;
		tz_unset = tz == NULL;
		snprintf(tz_seen, sizeof(tz_seen), "%s", tz ? tz : "");
	}
	memcpy(buf, tz_sum, 32);
	pthread_mutex_unlock(&tz_lock);
	memset(buf + 32, 0, sizeof(buf) - 32);
	buf[32] = s != NULL;
	if (s != NULL) {
		memcpy(buf + 33, &s->plausible_min, sizeof(double));
		memcpy(buf + 33 + sizeof(double), &s->plausible_max,
		    sizeof(double));
	}
	sha256(buf, sizeof(buf), key);
}

/* ---- a month file through its .days ---------------------------------- */

static int
days_read(int dfd, const char *name, const unsigned char key[32],
    struct sd_month *m, struct sd_ident *id)
{
	unsigned char *buf;
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd, rc = -1;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > SD_MAX || (buf = malloc((size_t)st.st_size + 1)) ==
	    NULL) {
		close(fd);
		return -1;
	}
	while (len <= (size_t)st.st_size && (n = read(fd, buf + len,
	    (size_t)st.st_size + 1 - len)) > 0)
		len += (size_t)n;
	if (len == (size_t)st.st_size)
		rc = sampleday_decode(buf, len, key, m, id);
	free(buf);
	close(fd);
	return rc;
}

/*
 * Root (`sudo lakewatch report`) in the directory of the service user
 * writes as that user for the write: a .days of root's there would be
 * one the daemon's user cannot read, and root's files do not belong in
 * its state_dir. The saved set-user-ID stays 0 to come back. 1 if
 * switched (as_self(*EGID) after), 0 if not needed, -1 if it failed.
 */
static int
as_owner(int dfd, gid_t *egid)
{
	struct stat st;

	if (geteuid() != 0 || fstat(dfd, &st) == -1 || st.st_uid == 0)
		return 0;
	*egid = getegid();
	if (setegid(st.st_gid) == -1)
		return -1;
	if (seteuid(st.st_uid) == -1) {
		if (setegid(*egid) == -1)
			fatal("sampleday: setegid back");
		return -1;
	}
	return 1;
}

static void
as_self(gid_t egid)
{
	if (seteuid(0) == -1 || setegid(egid) == -1)
		fatal("sampleday: seteuid back");
}

static void
days_write(int dfd, const char *name, const struct sd_month *m,
    const struct sd_ident *id, const unsigned char key[32])
{
	unsigned char *buf;
	size_t len;
	gid_t egid = 0;
	int sw;

	if ((sw = as_owner(dfd, &egid)) == -1) {
		log_debug("%s: not kept: %s", name, strerror(errno));
		return;
	}
	len = sampleday_encode(m, id, key, &buf);
	/* another user's report may not write here: summed, not kept */
	if (write_replace_at(dfd, name, buf, len, 0640, 0) == -1)
		log_debug("%s: not kept: %s", name, strerror(errno));
	if (sw)
		as_self(egid);
	free(buf);
}

static void
ident_of(const struct stat *st, time_t now, struct sd_ident *id)
{
	memset(id, 0, sizeof(*id));
	id->dev = (unsigned long long)st->st_dev;
	id->ino = (unsigned long long)st->st_ino;
	id->size = (unsigned long long)st->st_size;
	id->mtime_s = st->st_mtim.tv_sec;
	id->mtime_ns = st->st_mtim.tv_nsec;
	id->ctime_s = st->st_ctim.tv_sec;
	id->ctime_ns = st->st_ctim.tv_nsec;
	id->racy = st->st_mtim.tv_sec >= now - SD_RACY ||
	    st->st_ctim.tv_sec >= now - SD_RACY;
}

/* The month file unchanged since OLD was taken from it. */
static int
ident_same(const struct sd_ident *old, const struct sd_ident *now)
{
	return !old->racy && old->dev == now->dev && old->ino == now->ino &&
	    old->size == now->size && old->mtime_s == now->mtime_s &&
	    old->mtime_ns == now->mtime_ns && old->ctime_s == now->ctime_s &&
	    old->ctime_ns == now->ctime_ns;
}

/* The same .days: nothing to write. */
static int
ident_equal(const struct sd_ident *a, const struct sd_ident *b)
{
	return ident_same(a, b) && a->racy == b->racy &&
	    a->cover == b->cover && memcmp(a->hash, b->hash, 32) == 0;
}

/*
 * Sum FD (month file of identity ID) into M, from OLD if it still holds;
 * ID gets what was covered and its hash (*KEEP: 1 if it has it). A last
 * line without newline is left in *TAIL (TLEN bytes, one more writable)
 * for the caller to add after it has kept M. 0, or -1 with errno set.
 */
static int
month_sum(int fd, int have, const struct sd_ident *old, struct sd_ident *id,
    struct sd_month *m, const struct conf_sensor *s, time_t start,
    char **tail, size_t *tlen, int *keep)
{
	struct rd rd = { fd, NULL, SD_CHUNK, 0, NULL, 0 };
	int rc, fresh = 1;

	if ((rd.buf = malloc(rd.cap + 1)) == NULL ||
	    (rd.md = EVP_MD_CTX_new()) == NULL)
		fatal("sampleday");
	EVP_DigestInit_ex(rd.md, EVP_sha256(), NULL);
	if (have && ident_same(old, id)) {
		/* untouched: only a line begun at its end is read */
		EVP_MD_CTX_free(rd.md);
		rd.md = NULL;
		fresh = lseek(fd, (off_t)old->cover, SEEK_SET) == -1;
	} else if (have && old->cover <= id->size &&
	    rd_verify(&rd, old->cover, old->hash))
		fresh = 0;	/* appended to: sum what came after */
	if (fresh) {
		sampleday_free(m);
		month_init(m, start);
		if (rd.md == NULL && (rd.md = EVP_MD_CTX_new()) == NULL)
			fatal("sampleday");
		EVP_DigestInit_ex(rd.md, EVP_sha256(), NULL);
		rc = have ? (int)lseek(fd, 0, SEEK_SET) : 0;
	} else {
		rd.cover = old->cover;
		rc = 0;
	}
	if (rc != -1)
		rc = rd_sum(&rd, m, s);
	id->cover = rd.cover;
	*keep = 1;
	if (rd.md != NULL)
		EVP_DigestFinal_ex(rd.md, id->hash, NULL);
	else if (rd.cover == old->cover)
		memcpy(id->hash, old->hash, 32);
	else
		*keep = 0;	/* lines came since: no hash of them */
	EVP_MD_CTX_free(rd.md);
	*tail = rd.buf;
	*tlen = rd.len;
	return rc == -1 ? -1 : 0;
}

/* The .days of month file NAME ("2026-05.csv") into BUF. */
static void
days_name(const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	if (n > 4 && strcmp(name + n - 4, ".csv") == 0)
		n -= 4;
	snprintf(buf, len, "%.*s.days", (int)n, name);
}

static time_t
month_start(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return (time_t)days_civil(tm.tm_year + 1900, tm.tm_mon + 1, 1) *
	    86400;
}

static int
load_fd(int dfd, int fd, const char *file, const struct conf_sensor *s,
    time_t start, int flags, struct sd_month *m)
{
	unsigned char key[32];
	char dname[NAME_MAX + 1], *tail = NULL;
	struct sd_ident old, id;
	struct sd_month fresh;
	struct stat st;
	size_t tlen = 0;
	int have = 0, keep, rc;

	if (fstat(fd, &st) == -1)
		return -1;
	ident_of(&st, time(NULL), &id);
	days_name(file, dname, sizeof(dname));
	make_key(s, key);
	if (!S_ISREG(st.st_mode))
		flags = 0;	/* a FIFO or device: read as it comes */
	memset(&old, 0, sizeof(old));
	if (flags & SAMPLEDAY_READ)
		have = days_read(dfd, dname, key, m, &old) == 0;
	/* a .days of another month (copied, renamed) is not this one's */
	month_init(&fresh, start);
	if (have && (m->year0 != fresh.year0 ||
	    m->head_slot != fresh.head_slot ||
	    m->head_yday != fresh.head_yday)) {
		sampleday_free(m);
		have = 0;
	}
	if (!have)
		month_init(m, start);
	rc = month_sum(fd, have, &old, &id, m, s, start, &tail, &tlen, &keep);
	if (rc == 0 && keep && (flags & SAMPLEDAY_WRITE) &&
	    !(have && ident_equal(&old, &id)))
		days_write(dfd, dname, m, &id, key);
	if (rc == 0 && tlen > 0)
		month_line(m, s, tail, tlen);
	free(tail);
	return rc;
}

int
sampleday_load(const struct conf *c, const char *name,
    const struct conf_sensor *s, time_t t, int flags, struct sd_month *m,
    char err[LW_ERRLEN])
{
	char path[PATH_MAX];
	time_t start = month_start(t);
	int dfd, fd, rc;

	month_init(m, start);
	if ((dfd = samplelog_dir_open(c, name, err)) < 0)
		return dfd == -2 ? 0 : -1;
	samplelog_path(c, name, start, path, sizeof(path));
	if ((fd = openat(dfd, strrchr(path, '/') + 1, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC)) == -1) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc == -1)
			snprintf(err, LW_ERRLEN, "%s: %s", path,
			    strerror(errno));
		close(dfd);
		return rc;
	}
	if ((rc = load_fd(dfd, fd, strrchr(path, '/') + 1, s, start, flags,
	    m)) == -1)
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
	close(fd);
	close(dfd);
	return rc;
}

void
sampleday_warn(const struct conf *c, const char *name, time_t t,
    const struct sd_month *m)
{
	char path[PATH_MAX];

	if (m->nskip == 0)
		return;
	samplelog_path(c, name, t, path, sizeof(path));
	samplelog_say_skipped(path, m->nskip, m->skip,
	    m->nskip < SAMPLEDAY_SKIPS ? m->nskip : SAMPLEDAY_SKIPS);
}
