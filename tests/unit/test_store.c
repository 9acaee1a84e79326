/*
 * test_store.c: the store's buffer over a fake backend (store_new_ops):
 * time order, outages, replay after a crash of rrdcached, the bound,
 * failing files, gaps, reload and the last flush.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../daemon/store.h"
#include "rss.h"

#define T0	1795680000	/* 2026-11-26T08:00:00Z */
#define NS	2
#define MAXV	4096

/* A backend that keeps what it is sent, per file, and fails on demand. */
struct fake {
	int	 up;		/* reachable */
	int	 broken[NS];	/* this file fails */
	int	 exists[NS];
	time_t	 last[NS];
	time_t	 t[NS][MAXV];
	double	 v[NS][MAXV];
	int	 n[NS];
	int	 updates, flushes, creates;
	int	 lag;		/* LAST behind by this (rounding) */
	double	 clock;
	int	 tally;		/* count what is sent, keep nothing */
	long	 sent[NS];
};

static struct fake fk;
static char dir[] = "/tmp/test_store.XXXXXX";
static char names[NS][16] = { "centre-tp", "intake-tp" };
static struct conf_sensor sensors[NS];
static struct conf cf;

static int
file_of(const char *path)
{
	const char *b = strrchr(path, '/');
	int i;

	for (i = 0; i < NS; i++)
		if (strncmp(b + 1, names[i], strlen(names[i])) == 0)
			return i;
	fail_msg("unknown path %s", path);
	return -1;
}

static int
f_open(void *be, char err[LW_ERRLEN])
{
	(void)be;
	snprintf(err, LW_ERRLEN, "fake: refused");
	return fk.up ? STORE_OK : STORE_EDOWN;
}

static void
f_close(void *be)
{
	(void)be;
}

static int
f_probe(void *be, const struct conf_sensor *s, const char *path,
    char why[LW_ERRLEN])
{
	(void)be;
	(void)s;
	snprintf(why, LW_ERRLEN, "missing");
	return fk.exists[file_of(path)] ? PROBE_OK : PROBE_MISSING;
}

static int
f_create(void *be, const char *path, unsigned long step, time_t start,
    const char *src, int argc, const char **argv, char err[LW_ERRLEN])
{
	int i = file_of(path);

	(void)be;
	(void)step;
	(void)src;
	(void)argc;
	(void)argv;
	if (!fk.up) {
		snprintf(err, LW_ERRLEN, "fake: down");
		return STORE_EDOWN;
	}
	fk.exists[i] = 1;
	fk.last[i] = start;
	fk.creates++;
	return STORE_OK;
}

/* Like rrdtool: values up to a bad one are taken, then an error. */
static int
f_update(void *be, const char *path, int n, const char **vals,
    char err[LW_ERRLEN])
{
	int i = file_of(path), k;
	long long t;
	char *end;

	(void)be;
	fk.updates++;
	if (!fk.up)
		return snprintf(err, LW_ERRLEN, "fake: down"), STORE_EDOWN;
	if (fk.broken[i])
		return snprintf(err, LW_ERRLEN, "fake: broken"), STORE_EFILE;
	for (k = 0; k < n; k++) {
		t = strtoll(vals[k], &end, 10);
		if (t <= fk.last[i]) {
			snprintf(err, LW_ERRLEN, "illegal attempt to update "
			    "using time %lld when last update time is %lld "
			    "(minimum one second step)", t,
			    (long long)fk.last[i]);
			return STORE_EFILE;
		}
		fk.last[i] = (time_t)t;
		fk.sent[i]++;
		if (fk.tally)
			continue;
		assert_true(fk.n[i] < MAXV);
		fk.t[i][fk.n[i]] = (time_t)t;
		fk.v[i][fk.n[i]++] = strcmp(end, ":U") == 0 ? NAN :
		    atof(end + 1);
	}
	return STORE_OK;
}

static int
f_last(void *be, const char *path, time_t *t, char err[LW_ERRLEN])
{
	(void)be;
	if (!fk.up)
		return snprintf(err, LW_ERRLEN, "fake: down"), STORE_EDOWN;
	*t = fk.last[file_of(path)] - fk.lag;
	return STORE_OK;
}

static int
f_flush(void *be, const char *path, char err[LW_ERRLEN])
{
	(void)be;
	(void)path;
	(void)err;
	fk.flushes++;
	return fk.up ? STORE_OK : STORE_EDOWN;
}

static int
f_forget(void *be, const char *path, char err[LW_ERRLEN])
{
	(void)be;
	(void)path;
	(void)err;
	return STORE_OK;
}

static double
f_now(void *be)
{
	(void)be;
	return fk.clock;
}

static const struct store_ops fake_ops = {
	.name = "fake", .open = f_open, .close = f_close, .probe = f_probe,
	.create = f_create, .update = f_update, .last = f_last,
	.flush = f_flush, .forget = f_forget, .now = f_now
};

/* librrd: what update took is in the file */
static const struct store_ops durable_ops = {
	.name = "fake-librrd", .open = f_open, .close = f_close,
	.probe = f_probe, .create = f_create, .update = f_update,
	.last = f_last, .flush = f_flush, .forget = f_forget, .now = f_now,
	.durable = 1
};

/* rrdcached killed: what it had not journaled after T is gone. */
static void
crash(int i, time_t t)
{
	while (fk.n[i] > 0 && fk.t[i][fk.n[i] - 1] > t)
		fk.n[i]--;
	fk.last[i] = t;
	fk.up = 0;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static int
setup(void **state)
{
	int i;

	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.up = 1;
	fk.clock = 1000;
	strcpy(dir, "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(dir));
	memset(&cf, 0, sizeof(cf));
	memset(sensors, 0, sizeof(sensors));
	for (i = 0; i < NS; i++) {
		sensors[i].name = names[i];
		sensors[i].interval = 1;
		sensors[i].range_min = NAN;
	}
	cf.state_dir = dir;
	cf.interval = 1;
	cf.sensors = sensors;
	cf.nsensor = NS;
	cf.store_buffer = 1000;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static struct store *
store(void)
{
	char err[LW_ERRLEN];
	struct store *st = store_new_ops(&cf, &fake_ops, &fk, err);

	assert_non_null(st);
	return st;
}

/* Sensor I at T0 + SEC with value V (flag N, or F when V is NaN). */
static int
put(struct store *st, int i, int sec, double v)
{
	char err[LW_ERRLEN];
	struct sample s;

	memset(&s, 0, sizeof(s));
	snprintf(s.sensor, sizeof(s.sensor), "%s", names[i]);
	s.idx = i;
	s.t = T0 + sec;
	s.value = v;
	s.flag = isnan(v) ? 'F' : 'N';
	s.fresh = 1;
	return store_update(st, i, &s, 1, err);
}

/* File I holds T0+FROM .. T0+TO, one a second, value = the second. */
static void
assert_run(int i, int from, int to)
{
	int k;

	assert_int_equal(fk.n[i], to - from + 1);
	for (k = 0; k < fk.n[i]; k++) {
		assert_int_equal(fk.t[i][k], T0 + from + k);
		assert_true(fabs(fk.v[i][k] - (from + k)) < 1e-9);
	}
}

static void
test_order(void **state)
{
	struct store *st = store();
	struct store_stats ss;

	(void)state;
	assert_int_equal(put(st, 0, 1, 1), 1);
	assert_int_equal(fk.creates, 1);
	assert_int_equal(fk.last[0], T0 + 1);
	assert_int_equal(put(st, 0, 1, 9), 0);	/* same second: skipped */
	assert_int_equal(put(st, 0, 0, 9), 0);	/* older: skipped */
	assert_int_equal(put(st, 0, 2, 2), 1);
	assert_int_equal(put(st, 0, 3, NAN), 1);	/* flag F: UNKNOWN */
	assert_int_equal(fk.n[0], 3);
	assert_true(isnan(fk.v[0][2]));
	store_stats(st, &ss);
	assert_int_equal(ss.pending, 0);
	assert_int_equal(ss.written, 3);
	store_free(st);
}

static void
test_outage(void **state)
{
	struct store *st = store();
	struct store_stats ss;
	int sec, updates;

	(void)state;
	for (sec = 1; sec <= 10; sec++)
		put(st, 0, sec, sec);
	crash(0, T0 + 7);		/* 8..10 acknowledged, then lost */
	for (; sec <= 20; sec++) {
		assert_int_equal(put(st, 0, sec, sec), 1);	/* kept */
		fk.clock += 1;
	}
	store_stats(st, &ss);
	assert_true(ss.down);
	assert_int_equal(ss.pending, 10);
	updates = fk.updates;
	put(st, 0, 21, 21);		/* still backing off: no request */
	assert_int_equal(fk.updates, updates);
	fk.up = 1;
	fk.clock += 60;
	put(st, 0, 22, 22);
	assert_run(0, 1, 22);		/* 8..10 sent again, in order */
	store_stats(st, &ss);
	assert_false(ss.down);
	assert_int_equal(ss.pending, 0);
	store_free(st);
}

static void
test_bound(void **state)
{
	struct store *st = store();
	struct store_stats ss;
	int sec;

	(void)state;
	put(st, 0, 1, 1);
	fk.up = 0;
	for (sec = 2; sec <= 1501; sec++)
		put(st, 0, sec, sec);
	store_stats(st, &ss);
	assert_int_equal(ss.pending, 1000);
	assert_int_equal(ss.dropped, 500);
	fk.up = 1;
	fk.clock += 60;
	put(st, 0, 1502, 1502);		/* pushes 502 out too */
	/*
	 * 1, then the newest 1000: 503..1502 (the oldest unsent went), the
	 * gap before them marked UNKNOWN at 502
	 */
	assert_int_equal(fk.n[0], 1002);
	assert_int_equal(fk.t[0][0], T0 + 1);
	assert_int_equal(fk.t[0][1], T0 + 502);
	assert_true(isnan(fk.v[0][1]));
	assert_int_equal(fk.t[0][2], T0 + 503);
	assert_int_equal(fk.t[0][1001], T0 + 1502);
	store_stats(st, &ss);
	assert_int_equal(ss.dropped, 501);
	assert_int_equal(ss.pending, 0);
	store_free(st);
}

/* How many lines of stderr during FN(ST) contain WHAT. */
static int
logged(void (*fn)(struct store *), struct store *st, const char *what)
{
	char path[64], line[1024];
	int fd, saved, n = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/stderr", dir);
	fflush(stderr);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) !=
	    -1);
	saved = dup(2);
	dup2(fd, 2);
	close(fd);
	fn(st);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_non_null(fp = fopen(path, "r"));
	while (fgets(line, sizeof(line), fp) != NULL)
		n += strstr(line, what) != NULL;
	fclose(fp);
	return n;
}

/*
 * Two episodes of a full buffer, the second after the first was written
 * out while another file still held a value (its file failing): each is
 * logged (only the first ever was, as "pending" never got back to 0).
 */
static void
two_episodes(struct store *st)
{
	int sec;

	fk.up = 0;
	for (sec = 1; sec <= 6; sec++)	/* 1, 2 dropped */
		put(st, 0, sec, sec);
	put(st, 1, 7, 7);		/* 3 dropped */
	fk.broken[1] = 1;
	fk.up = 1;
	fk.clock += 60;
	put(st, 0, 8, 8);		/* 4 dropped; 5, 6, 8 written */
	fk.up = 0;
	for (sec = 9; sec <= 11; sec++)	/* 5, 6 go (sent), then 7: dropped */
		put(st, 0, sec, sec);
}

static void
test_drop_episodes(void **state)
{
	struct store *st;
	struct store_stats ss;

	(void)state;
	cf.store_buffer = 4;
	st = store();
	assert_int_equal(logged(two_episodes, st, "buffer full"), 2);
	store_stats(st, &ss);
	assert_int_equal(ss.dropped, 5);
	store_free(st);
}

static void
test_file_error(void **state)
{
	struct store *st = store();
	char err[LW_ERRLEN];
	struct sample s;

	(void)state;
	put(st, 0, 1, 1);
	put(st, 1, 1, 1);
	fk.broken[1] = 1;
	assert_int_equal(put(st, 1, 2, 2), -1);
	assert_int_equal(put(st, 0, 2, 2), 1);	/* the other goes on */
	memset(&s, 0, sizeof(s));
	s.t = T0 + 3;
	s.value = 3;
	s.flag = 'N';
	assert_int_equal(store_update(st, 1, &s, 1, err), -1);
	assert_non_null(strstr(err, "broken"));
	fk.broken[1] = 0;
	fk.clock += 120;		/* past the file's backoff */
	assert_int_equal(put(st, 1, 4, 4), 1);
	assert_run(1, 1, 4);
	assert_run(0, 1, 2);
	store_free(st);
}

/* The backend is further than LAST said (rrdcached rounds it down). */
static void
test_behind(void **state)
{
	struct store *st = store();

	(void)state;
	put(st, 0, 1, 1);
	fk.up = 0;
	put(st, 0, 2, 2);
	put(st, 0, 3, 3);
	fk.up = 1;
	fk.t[0][fk.n[0]] = T0 + 2;	/* it got 2 some other way */
	fk.v[0][fk.n[0]++] = 2;
	fk.last[0] = T0 + 2;
	fk.lag = 1;			/* and LAST says 1 */
	fk.clock += 60;
	put(st, 0, 4, 4);
	assert_run(0, 1, 4);
	store_free(st);
}

/* After more than a heartbeat without values: UNKNOWN a step before. */
static void
test_gap(void **state)
{
	struct store *st = store();

	(void)state;
	put(st, 0, 1, 1);
	put(st, 0, 10, 10);
	assert_int_equal(fk.n[0], 3);
	assert_int_equal(fk.t[0][1], T0 + 9);
	assert_true(isnan(fk.v[0][1]));
	assert_int_equal(fk.t[0][2], T0 + 10);
	put(st, 0, 12, 12);		/* two steps: rrdtool fills it */
	assert_int_equal(fk.n[0], 4);
	store_free(st);
}

static void
test_adopt(void **state)
{
	struct store *old = store(), *st;
	struct store_stats ss;

	(void)state;
	put(old, 0, 1, 1);
	fk.up = 0;
	put(old, 0, 2, 2);
	put(old, 1, 2, 2);
	st = store();			/* the reloaded config's */
	store_adopt(st, old);
	store_stats(old, &ss);
	assert_int_equal(ss.pending, 0);
	store_free(old);		/* nothing to send, still down */
	fk.up = 1;
	fk.clock += 60;
	put(st, 0, 3, 3);
	assert_run(0, 1, 3);
	assert_int_equal(fk.n[1], 1);
	store_free(st);
}

/*
 * The buffer holds store_buffer values at most, but takes memory only
 * as it fills: with librrd (durable) a written value need not stay for
 * a re-send, so 400 000 values written as they come keep it small (it
 * was one calloc of the bound, touched all round as it cycled: 9 MiB
 * here, 2.3 MiB at the default bound), and a backlog's ring shrinks
 * once written. Without durability the written values stay, up to the
 * bound, for a re-send (test_outage, test_bound).
 */
#define BIG	400000

static void
test_ring_grows(void **state)
{
	char err[LW_ERRLEN];
	struct store *st, *st2;
	struct store_stats ss;
	long before, after, full;
	int sec, k;

	(void)state;
	if (!rss_measurable())
		skip();
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);	/* as lakewatchd does */
	fk.tally = 1;
	cf.store_buffer = BIG;
	before = rss_anon_kb();
	assert_non_null(st = store_new_ops(&cf, &durable_ops, &fk, err));
	for (sec = 1; sec <= BIG / 2; sec++) {
		assert_int_equal(put(st, 0, sec, sec), 1);
		assert_int_equal(put(st, 1, sec, sec), 1);
	}
	after = rss_anon_kb();
	store_stats(st, &ss);
	assert_int_equal(ss.written, BIG);
	assert_int_equal(ss.pending, 0);
	assert_int_equal(fk.sent[0], BIG / 2);
	assert_int_equal(fk.last[1], T0 + BIG / 2);
	/* 24 B a value: 9 MiB if the ring cycled through the bound */
	assert_true(after - before < 1024);
	/*
	 * A backlog makes it grow (a start's, while the files are made),
	 * all of it is written after, and it gives the memory back.
	 */
	fk.up = 0;
	for (; sec <= BIG / 2 + BIG / 2; sec++)
		put(st, 0, sec, sec);
	full = rss_anon_kb();
	print_message("%ld kB for %d values held\n", full - before, BIG / 2);
	assert_true(full - before > (long)(BIG / 2 * 20 / 1024) - 1024);
	/* 20 bytes a value held, not 24 (a time_t and padding) */
	assert_true(full - before < (long)(BIG / 2 * 22 / 1024));
	fk.up = 1;
	fk.clock += 60;
	for (k = 0; k < 100; k++, sec++)
		put(st, 1, sec, sec);
	store_stats(st, &ss);
	assert_int_equal(ss.pending, 0);
	assert_int_equal(ss.dropped, 0);
	assert_int_equal(fk.sent[0], BIG);
	assert_true(rss_anon_kb() - before < 1024);
	/* a reload takes the ring over, grown as needed */
	assert_non_null(st2 = store_new_ops(&cf, &durable_ops, &fk, err));
	store_adopt(st2, st);
	store_free(st);
	store_free(st2);
}

/* kB of KEY ("VmRSS", "VmHWM") in /proc/self/status */
static long
status_kb(const char *key)
{
	char line[128];
	size_t n = strlen(key);
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			kb = atol(line + n + 1);
			break;
		}
	fclose(f);
	return kb;
}

#define FULL	65536	/* a ring size it passes through (256 doubled) */

static int alt_n, alt_sec, alt_last[2];

/* The next value of two sensors taking turns, a second a pair. */
static void
put_alt(struct store *st)
{
	int i = alt_n++ % 2;

	put(st, i, alt_sec, alt_sec);
	alt_last[i] = alt_sec;
	alt_sec += i;
}

/*
 * A backlog that outgrows the ring by one value: the ring doubles where
 * it is, its pages moved, not copied (a copy is the whole ring more at
 * once: 1.5 MiB here), and every value still goes out, in order, after
 * the wrapped part moved.
 */
static void
test_ring_grows_in_place(void **state)
{
	char err[LW_ERRLEN];
	struct store *st;
	struct store_stats ss;
	long before, peak;
	int fd = -1, k;

	(void)state;
	if (rss_measurable())
		fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd == -1)
		skip();
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);	/* as lakewatchd does */
	fk.tally = 1;
	cf.store_buffer = BIG;
	assert_non_null(st = store_new_ops(&cf, &durable_ops, &fk, err));
	alt_n = 0;
	alt_sec = 1;
	/* written values move the ring's head on: the backlog wraps */
	for (k = 0; k < 301; k++)
		put_alt(st);
	fk.up = 0;
	do {
		put_alt(st);
		store_stats(st, &ss);
	} while (ss.pending < FULL);
	/* the ring is full at FULL: the next value doubles it */
	assert_int_equal(write(fd, "5", 1), 1);		/* VmHWM = VmRSS */
	close(fd);
	before = status_kb("VmRSS");
	put_alt(st);
	peak = status_kb("VmHWM");
	print_message("peak %ld kB over RSS as the ring doubled\n",
	    peak - before);
	assert_true(peak - before < (long)(FULL * 24 / 1024) / 3);
	fk.up = 1;
	fk.clock += 60;
	for (k = 0; k < 100; k++)
		put_alt(st);
	store_stats(st, &ss);
	assert_int_equal(ss.pending, 0);
	assert_int_equal(ss.dropped, 0);
	assert_int_equal(fk.sent[0] + fk.sent[1], alt_n);
	assert_int_equal(fk.last[0], T0 + alt_last[0]);
	assert_int_equal(fk.last[1], T0 + alt_last[1]);
	store_free(st);
}

static void
test_free_flushes(void **state)
{
	struct store *st = store();

	(void)state;
	put(st, 0, 1, 1);
	fk.up = 0;
	put(st, 0, 2, 2);
	put(st, 1, 2, 2);
	fk.up = 1;			/* back, but the store still waits */
	store_free(st);			/* one more try, then FLUSH */
	assert_run(0, 1, 2);
	assert_int_equal(fk.n[1], 1);
	assert_int_equal(fk.flushes, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_episodes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_behind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_flushes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ring_grows_in_place,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_grows, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
