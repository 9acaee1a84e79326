/*
 * test_sampleday.c: the daily sums of sample-log month files and their
 * .days cache (lib/sampleday.h) as report_load uses them: the days of a
 * year bit for bit those of the row-by-row scan (--no-cache), cold and
 * warm, with values whose sum depends on the order they are added in and
 * a Beijing day split between two UTC month files; a .days image read
 * back, and refused when cut at any length, with any byte changed, or of
 * another key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "../../tool/report.c"
#include "tmpdir.h"

static char		 dir[PATH_MAX];
static struct conf	*conf;

/*
 * Rows every 20 min over Beijing 2026-01-31..02-02, values whose sum
 * depends on the order: 1 February begins in January's UTC file.
 */
static void
write_logs(void)
{
	static const double v[] = { 0.1, 1e16, 0.2, -1e16, 0.3, 3.0, 1e-3 };
	char path[PATH_MAX], ts[32];
	time_t t, t0 = 1769788800 - 8 * 3600;	/* 2026-01-31 00:00 +08 */
	FILE *fp = NULL;
	int k = 0, cur = 0, mon;

	for (t = t0; t < t0 + 3 * 86400; t += 1200, k++) {
		mon = t >= 1769904000 ? 2 : 1;	/* 2026-02-01T00:00Z */
		if (mon != cur) {
			if (fp != NULL)
				fclose(fp);
			snprintf(path, sizeof(path),
			    "%s/samples/c-tp/2026-%02d.csv", dir, mon);
			assert_non_null(fp = fopen(path, "w"));
			fputs(SAMPLELOG_HEADER, fp);
			cur = mon;
		}
		fmt_rfc3339(t, ts, sizeof(ts));
		fprintf(fp, "%s,%.17g,%c,,1\n", ts, v[k % 7],
		    k % 11 == 5 ? 'C' : 'N');
	}
	fclose(fp);
}

static int
setup(void **state)
{
	char path[PATH_MAX], err[LW_ERRLEN];
	FILE *fp;

	(void)state;
	assert_int_equal(tmpdir_make(dir, sizeof(dir), "sampleday"), 0);
	snprintf(path, sizeof(path), "%s/lw.conf", dir);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "[daemon]\nstate_dir = %s\n[bus b]\nhost = 127.0.0.1\n"
	    "[sensor c-tp]\nbus = b\nregister = 0\ninterval = 1200\n", dir);
	fclose(fp);
	assert_non_null(conf = conf_load(path, err));
	snprintf(path, sizeof(path), "%s/samples", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/samples/c-tp", dir);
	mkdir(path, 0700);
	assert_int_equal(report_tz("Asia/Shanghai", err), 0);
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

static void
load(struct rp_year *y, int cached)
{
	char err[LW_ERRLEN];

	report_cache(cached);
	assert_int_equal(report_load(conf, "c-tp", 2026, y, err), 0);
	report_cache(1);
}

static void
test_same_as_rows(void **state)
{
	struct rp_year *rows, *cold, *warm;
	char path[PATH_MAX];
	struct stat st;

	(void)state;
	write_logs();
	rows = malloc(sizeof(*rows));
	cold = malloc(sizeof(*cold));
	warm = malloc(sizeof(*warm));
	assert_true(rows && cold && warm);
	load(rows, 0);
	assert_true(rows->day[31].nvalid > 0 && rows->day[30].nvalid > 0);
	load(cold, 1);
	snprintf(path, sizeof(path), "%s/samples/c-tp/2026-02.days", dir);
	assert_int_equal(stat(path, &st), 0);
	load(warm, 1);
	/* bit for bit: 1 February's sum folds both files' rows in order */
	assert_memory_equal(rows->day, cold->day, sizeof(rows->day));
	assert_memory_equal(rows->day, warm->day, sizeof(rows->day));
	free(rows);
	free(cold);
	free(warm);
}

static void
fill(struct sd_month *m, struct sd_ident *id, unsigned char key[32])
{
	int i;

	memset(m, 0, sizeof(*m));
	memset(id, 0, sizeof(*id));
	m->year0 = 2026;
	m->head_slot = 0;
	m->head_yday = 31;
	for (i = 31; i < 59; i++) {
		m->day[0][i].nall = 72;
		m->day[0][i].nobt = 70;
		m->day[0][i].nvalid = i == 31 ? 3 : 60;
		m->day[0][i].sum = i * 0.1;
	}
	m->nraw = m->rawcap = 3;
	assert_non_null(m->raw = malloc(3 * sizeof(double)));
	for (i = 0; i < 3; i++)
		m->raw[i] = i + 0.5;
	m->lines = 2017;
	m->nskip = 1;
	m->skip[0] = 7;
	id->size = 80000;
	id->cover = 79990;
	id->ino = 42;
	id->hash[0] = 0xab;
	memset(key, 0x5a, 32);
}

static void
test_image(void **state)
{
	struct sd_month m, back;
	struct sd_ident id, bid;
	unsigned char key[32], other[32], *buf;
	size_t len, i;

	(void)state;
	fill(&m, &id, key);
	len = sampleday_encode(&m, &id, key, &buf);
	assert_int_equal(sampleday_decode(buf, len, key, &back, &bid), 0);
	assert_memory_equal(back.day, m.day, sizeof(m.day));
	assert_int_equal(back.nraw, 3);
	assert_true(back.raw[2] == 2.5);
	assert_int_equal(back.lines, 2017);
	assert_int_equal(back.skip[0], 7);
	assert_int_equal(bid.cover, 79990);
	assert_int_equal(bid.hash[0], 0xab);
	sampleday_free(&back);
	/* cut anywhere, or any byte changed: not read */
	for (i = 0; i < len; i++)
		assert_int_equal(sampleday_decode(buf, i, key, &back, &bid),
		    -1);
	for (i = 0; i < len; i++) {
		buf[i] ^= 0x01;
		assert_int_equal(sampleday_decode(buf, len, key, &back, &bid),
		    -1);
		buf[i] ^= 0x01;
	}
	memcpy(other, key, 32);
	other[31] ^= 1;
	assert_int_equal(sampleday_decode(buf, len, other, &back, &bid), -1);
	free(buf);
	sampleday_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_rows),
		cmocka_unit_test(test_image),
	};

	log_init("test_sampleday", LOG_LVL_ERROR);
	return cmocka_run_group_tests(tests, setup, teardown);
}
