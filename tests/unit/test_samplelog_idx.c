/*
 * test_samplelog_idx.c: the rows of a period through the index of the
 * month file (lib/samplelog_idx.h) are those of a full scan
 * (samplelog_scan), in the same order, and so are the HJ 212 figures
 * built from them: on a log in time order, with a clock stepped back and
 * forward, torn lines, a period across two UTC months, rows appended
 * between reads, a last line being written, a file cut and one replaced;
 * and a period of a long log in time order parses a few lines, not the
 * month.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/conf.h"
#include "../../lib/hj212.h"
#include "../../lib/log.h"
#include "../../lib/samplelog.h"
#include "../../lib/samplelog_idx.h"
#include "../../lib/util.h"
#include "reps.h"
#include "tmpdir.h"

#define T0	1796083200	/* 2026-12-01T00:00:00Z */
#define MAXROWS	400000

static char		 dir[PATH_MAX];
static struct conf	*conf;

struct rows {
	struct samplelog_row *r;
	size_t		 n;
};

static void
take(void *arg, const struct samplelog_row *r)
{
	struct rows *w = arg;

	assert_true(w->n < MAXROWS);
	w->r[w->n++] = *r;
}

static FILE *
month(const char *mode, time_t t)
{
	char path[PATH_MAX];

	samplelog_path(conf, "s-tp", t, path, sizeof(path));
	return fopen(path, mode);
}

/* A row of time T, its value from K. */
static void
row(FILE *fp, time_t t, int k)
{
	char ts[32];

	fmt_rfc3339(t, ts, sizeof(ts));
	fprintf(fp, "%s,%.17g,%c,,1\n", ts, k % 5 == 0 ? 1e16 : 0.1 * k,
	    k % 13 == 0 ? 'C' : k % 17 == 0 ? 'D' : 'N');
}

/* Rows of [A, B) every STEP s into FP, values from *K on. */
static void
rows(FILE *fp, time_t a, time_t b, time_t step, int *k)
{
	time_t t;

	for (t = a; t < b; t += step)
		row(fp, t, (*k)++);
}

/* The HJ 212 figures of rows W as a CN=2061 CP would carry them. */
static void
cp_of(const struct rows *w, time_t from, char *buf, size_t len)
{
	struct hj212_stat st;
	size_t i;

	hj212_stat_init(&st, "w21011", 3);
	for (i = 0; i < w->n; i++)
		hj212_stat_add(&st, w->r[i].value, w->r[i].flag);
	assert_true(hj212_cp_stats(buf, len, from, &st, 1) > 0);
}

/* [FROM, TO) read through X and by a full scan: the same rows, order. */
static void
same(struct slidx *x, time_t from, time_t to)
{
	static struct rows a, b;
	char err[LW_ERRLEN], ca[512], cb[512];
	size_t i;

	if (a.r == NULL) {
		assert_non_null(a.r = malloc(MAXROWS * sizeof(*a.r)));
		assert_non_null(b.r = malloc(MAXROWS * sizeof(*b.r)));
	}
	a.n = b.n = 0;
	assert_int_equal(slidx_scan(x, conf, "s-tp", from, to, take, &a, err),
	    0);
	assert_int_equal(samplelog_scan(conf, "s-tp", from, to, take, &b,
	    err), 0);
	assert_int_equal(a.n, b.n);
	for (i = 0; i < a.n; i++) {
		assert_int_equal(a.r[i].t, b.r[i].t);
		assert_int_equal(a.r[i].flag, b.r[i].flag);
		assert_memory_equal(&a.r[i].value, &b.r[i].value,
		    sizeof(double));
	}
	cp_of(&a, from, ca, sizeof(ca));
	cp_of(&b, from, cb, sizeof(cb));
	assert_string_equal(ca, cb);
}

/*
 * Every period of P s in [A, B) read both ways (under valgrind every
 * seventh: the full scan each compares with is its slow part).
 */
static void
same_periods(struct slidx *x, time_t a, time_t b, time_t p)
{
	time_t t, every = under_valgrind() ? 7 : 1;

	for (t = a; t < b; t += p * every)
		same(x, t, t + p);
}

static int
setup(void **state)
{
	char path[PATH_MAX], err[LW_ERRLEN];
	FILE *fp;

	(void)state;
	assert_int_equal(tmpdir_make(dir, sizeof(dir), "slidx"), 0);
	snprintf(path, sizeof(path), "%s/lw.conf", dir);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "[daemon]\nstate_dir = %s\n[bus b]\nhost = 127.0.0.1\n"
	    "[sensor s-tp]\nbus = b\nregister = 0\n", dir);
	fclose(fp);
	assert_non_null(conf = conf_load(path, err));
	snprintf(path, sizeof(path), "%s/samples", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/samples/s-tp", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(conf);
	tmpdir_remove(dir);
	return 0;
}

/* A day of 1 s rows: a 10 s period after it parses a few lines. */
static void
test_reads_little(void **state)
{
	struct slidx *x;
	unsigned long before;
	FILE *fp;
	int k = 1;

	(void)state;
	assert_non_null(fp = month("w", T0));
	fputs(SAMPLELOG_HEADER, fp);
	rows(fp, T0, T0 + 86400, 1, &k);
	fclose(fp);
	assert_non_null(x = slidx_new());
	same(x, T0 + 86390, T0 + 86400);	/* the first read: whole */
	assert_true(slidx_parsed(x) >= 86400);
	before = slidx_parsed(x);
	same(x, T0 + 3600, T0 + 3610);		/* a history request */
	same(x, T0 + 86380, T0 + 86390);
	assert_non_null(fp = month("a", T0));
	rows(fp, T0 + 86400, T0 + 86413, 1, &k);	/* the next 13 s */
	fclose(fp);
	same(x, T0 + 86400, T0 + 86410);
	/* a binary search is ~20 probes of a few lines each */
	assert_true(slidx_parsed(x) - before < 2000);
	before = slidx_parsed(x);
	same(x, T0, T0 + 86400);		/* the whole day */
	assert_true(slidx_parsed(x) - before <= 86401 + 20);
	slidx_free(x);
}

/*
 * A clock stepped back an hour and later forward a day and back, a torn
 * line, rows appended between reads: every 10 s, minute and hour period
 * the same both ways, and so the periods the steps put rows in.
 */
static void
test_out_of_order(void **state)
{
	struct slidx *x;
	FILE *fp;
	int k = 1;

	(void)state;
	assert_non_null(fp = month("w", T0));
	fputs(SAMPLELOG_HEADER, fp);
	rows(fp, T0, T0 + 7200, 1, &k);
	rows(fp, T0 + 3600, T0 + 3900, 1, &k);	/* stepped back 1 h */
	fputs("2026-12-01T01:05:0", fp);		/* torn (kill -9) */
	rows(fp, T0 + 3900, T0 + 4000, 3, &k);
	fclose(fp);
	assert_non_null(x = slidx_new());
	same_periods(x, T0, T0 + 7300, 10);
	same_periods(x, T0 + 3000, T0 + 7300, 60);
	same_periods(x, T0, T0 + 7200, 3600);
	assert_non_null(fp = month("a", T0));
	rows(fp, T0 + 90000, T0 + 90005, 1, &k);	/* a day ahead */
	rows(fp, T0 + 4000, T0 + 4100, 1, &k);	/* and back */
	fclose(fp);
	same_periods(x, T0 + 3500, T0 + 4200, 10);
	same_periods(x, T0 + 89990, T0 + 90020, 10);
	same(x, T0, T0 + 86400 * 2);
	slidx_free(x);
}

/* More runs than kept: read whole, still the same. */
static void
test_many_runs(void **state)
{
	struct slidx *x;
	FILE *fp;
	int i, k = 1;

	(void)state;
	assert_non_null(fp = month("w", T0));
	fputs(SAMPLELOG_HEADER, fp);
	for (i = 0; i < 3 * SLIDX_RUNS; i++)	/* an import interleaved */
		rows(fp, T0 + (i % 7) * 600, T0 + (i % 7) * 600 + 300, 7, &k);
	fclose(fp);
	assert_non_null(x = slidx_new());
	same_periods(x, T0, T0 + 4800, 60);
	slidx_free(x);
}

/*
 * A Beijing day across two UTC month files; a last line being written;
 * the file cut and then replaced (another inode) between reads.
 */
static void
test_files(void **state)
{
	struct slidx *x;
	char path[PATH_MAX], tmp[PATH_MAX];
	FILE *fp;
	int k = 1;

	(void)state;
	assert_non_null(fp = month("w", T0 - 86400));
	fputs(SAMPLELOG_HEADER, fp);
	rows(fp, T0 - 86400, T0, 60, &k);
	fclose(fp);
	assert_non_null(fp = month("w", T0));
	fputs(SAMPLELOG_HEADER, fp);
	rows(fp, T0, T0 + 86400, 60, &k);
	fputs("2026-12-02T00:00:30Z,7.5,N", fp);	/* no newline yet */
	fclose(fp);
	assert_non_null(x = slidx_new());
	same(x, T0 - 8 * 3600, T0 + 16 * 3600);		/* Beijing 1 Dec */
	same(x, T0 + 86400, T0 + 86460);
	same_periods(x, T0 - 3600, T0 + 3600, 600);
	assert_non_null(fp = month("a", T0));
	fputs(",,1\n", fp);				/* written */
	rows(fp, T0 + 86460, T0 + 86520, 10, &k);
	fclose(fp);
	same(x, T0 + 86400, T0 + 86520);
	/* cut to a few rows, then grown past what was read, other rows */
	assert_non_null(fp = month("w", T0));
	fputs(SAMPLELOG_HEADER, fp);
	rows(fp, T0 + 5, T0 + 86400 + 200, 20, &k);
	fclose(fp);
	same_periods(x, T0 + 86400, T0 + 86600, 60);
	same_periods(x, T0, T0 + 3600, 600);
	/* replaced by rename, as an editor or import would */
	samplelog_path(conf, "s-tp", T0, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	assert_non_null(fp = fopen(tmp, "w"));
	fputs(SAMPLELOG_HEADER, fp);
	rows(fp, T0, T0 + 86400 + 600, 30, &k);
	fclose(fp);
	assert_int_equal(rename(tmp, path), 0);
	same_periods(x, T0 + 86400, T0 + 87000, 60);
	unlink(path);
	same(x, T0, T0 + 86400);			/* gone: no rows */
	slidx_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reads_little, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_runs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_files, setup, teardown),
	};

	log_init("test_samplelog_idx", LOG_LVL_ERROR);	/* torn lines */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
