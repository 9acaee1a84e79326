/*
 * test_import.c: what `lakewatch import` refuses (import.c), named by
 * line: values beyond +-1e9 (1e308 made a report print "mean inf"),
 * times before 1980 (0000 made a file 0000-01.csv), a NUL in a line (it
 * cut the value silently); and what samplelog_scan (lib/samplelog_read.c)
 * says of the sample log lines it skips (it skipped them without a
 * word); and what Excel and WPS write (issue 14, item 12): GBK, a BOM,
 * quoted fields, semicolons, Chinese headers, slash dates, units.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "../../tool/report.c"
#include "../../tool/import.c"

static char dir[64], conf[128], csv[128], errfile[128];
static char errbuf[8192];
static int saved_fd = -1;

static int
setup(void **state)
{
	FILE *fp;

	(void)state;
	if (tmpdir_make(dir, sizeof(dir), "import") == -1)
		return -1;
	snprintf(conf, sizeof(conf), "%s/lw.conf", dir);
	snprintf(csv, sizeof(csv), "%s/in.csv", dir);
	snprintf(errfile, sizeof(errfile), "%s/stderr", dir);
	if ((fp = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(fp, "[daemon]\nstate_dir = %s/state\n[bus b]\n"
	    "host = 127.0.0.1\n[sensor tp]\nbus = b\nregister = 0\n", dir);
	return fclose(fp);
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* Send stderr to errfile until capture_end(), which reads it back. */
static void
capture_start(void)
{
	int fd;

	fflush(stderr);
	saved_fd = dup(2);
	fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved_fd != -1 && fd != -1);
	dup2(fd, 2);
	close(fd);
}

static const char *
capture_end(void)
{
	FILE *fp;
	size_t n;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	assert_non_null(fp = fopen(errfile, "r"));
	n = fread(errbuf, 1, sizeof(errbuf) - 1, fp);
	errbuf[n] = '\0';
	fclose(fp);
	return errbuf;
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *fp;

	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* lakewatch import -n -c CONF tp CSV; its exit status, stderr kept. */
static int
import_dry(void)
{
	static char cmd[] = "import", n[] = "-n", c[] = "-c", tp[] = "tp";
	char *argv[] = { cmd, n, c, conf, tp, csv, NULL };
	int rc;

	optind = 1;
	capture_start();
	rc = tool_import(6, argv);
	capture_end();
	return rc;
}

/* 1 if stderr named line N of the input. */
static int
named(int n)
{
	char want[160];

	snprintf(want, sizeof(want), "%s:%d: ", csv, n);
	return strstr(errbuf, want) != NULL;
}

static void
test_rejects(void **state)
{
	static const char in[] =
	    "time,value,flag\n"				/* 1 */
	    "2026-05-01T00:00:00Z,0.05\n"		/* 2 */
	    "2026-05-01T01:00:00Z,1e308\n"		/* 3 */
	    "0000-01-01T00:00:00Z,0.05\n"		/* 4 */
	    "1900-06-01T00:00:00Z,0.05\n"		/* 5 */
	    "1969-12-31T23:00:00Z,0.05\n"		/* 6 */
	    "1979-12-31T23:59:59Z,0.05\n"		/* 7 */
	    "2026-05-01T02:00:00Z,0.0\0" "5\n"		/* 8 */
	    "2026-05-01T03:00:00Z,1e10,D\n"		/* 9: beyond +-1e9 */
	    "2026-05-01T04:00:00Z,1e9,D\n"		/* 10: flagged: kept */
	    "1980-01-01T00:00:00Z,0.05\n";		/* 11 */
	int i;

	(void)state;
	write_file(csv, in, sizeof(in) - 1);
	assert_int_equal(import_dry(), 1);
	for (i = 3; i <= 9; i++)
		if (!named(i))
			fail_msg("line %d not named in:\n%s", i, errbuf);
	assert_false(named(2));
	assert_false(named(10));
	assert_false(named(11));
	assert_non_null(strstr(errbuf, "7 bad rows: nothing imported"));
	assert_non_null(strstr(errbuf, "NUL"));
}

static void
test_accepts(void **state)
{
	static const char in[] = "2026-05-01T00:00:00Z,0.05\n"
	    "1980-01-01T00:00:00Z,1e9,D\r\n";

	(void)state;
	write_file(csv, in, sizeof(in) - 1);
	if (import_dry() != 0)
		fail_msg("refused:\n%s", errbuf);
}

static void
count_row(void *arg, const struct samplelog_row *r)
{
	(void)r;
	(*(int *)arg)++;
}

static void
test_report_skips(void **state)
{
	static const char log[] = SAMPLELOG_HEADER
	    "2026-05-01T00:00:00Z,0.05,N,,0\n"		/* 2 */
	    "garbage\n"					/* 3 */
	    "2026-05-01T01:00:00Z,0.0\0" "5,N,,0\n"	/* 4 */
	    "2026-05-01T02:00:00Z,inf,N,,0\n"		/* 5 */
	    "2026-05-01T03:00:00Z,0.05,N,,0\r\n";	/* 6 */
	char path[PATH_MAX], err[LW_ERRLEN];
	struct conf *c;
	int n = 0;

	(void)state;
	assert_non_null(c = conf_load(conf, err));
	samplelog_path(c, "tp", 1777593600, path, sizeof(path));
	snprintf(err, sizeof(err), "%s/state/samples/tp", dir);
	assert_int_equal(mkdirs(err, 0750), 0);
	write_file(path, log, sizeof(log) - 1);
	capture_start();
	assert_int_equal(samplelog_scan(c, "tp", 1777593600, 1777593600 + 86400,
	    count_row, &n, err), 0);
	capture_end();
	conf_free(c);
	assert_int_equal(n, 2);
	if (strstr(errbuf, "2026-05.csv: 3 lines skipped") == NULL ||
	    strstr(errbuf, "line 3, 4, 5") == NULL)
		fail_msg("stderr:\n%s", errbuf);
}

/*
 * samplelog_last: the latest row of an interval from the month file's
 * tail (a file of 5000 rows, 10 s apart, is longer than the tail), the
 * whole file where the tail cannot tell, 0 where no row is.
 */
static void
test_last(void **state)
{
	const time_t t0 = 1777593600;		/* 2026-05-01T00:00:00Z */
	char path[PATH_MAX], err[LW_ERRLEN], line[64];
	struct samplelog_row r;
	struct conf *c;
	FILE *fp;
	int i;

	(void)state;
	assert_non_null(c = conf_load(conf, err));
	samplelog_path(c, "tp", t0, path, sizeof(path));
	snprintf(err, sizeof(err), "%s/state/samples/tp", dir);
	assert_int_equal(mkdirs(err, 0750), 0);
	assert_non_null(fp = fopen(path, "w"));
	fputs(SAMPLELOG_HEADER, fp);
	for (i = 0; i < 5000; i++) {
		time_t t = t0 + 10 * i;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(fp, "%s,%d.%03d,%c,,0\n", line, i / 1000, i % 1000,
		    i % 7 == 0 ? 'C' : 'N');
	}
	assert_int_equal(fclose(fp), 0);
	/* the tail: rows 4996..4998 are in [t0+49960, t0+49990) */
	assert_int_equal(samplelog_last(c, "tp", t0 + 49960, t0 + 49990, &r,
	    err), 1);
	assert_int_equal(r.t, t0 + 49980);
	assert_true(fabs(r.value - 4.998) < 1e-9 && r.flag == 'C');
	/* the start of the file, far before the tail: the whole file */
	assert_int_equal(samplelog_last(c, "tp", t0, t0 + 25, &r, err), 1);
	assert_int_equal(r.t, t0 + 20);
	/* an interval from the month before: April has no file */
	assert_int_equal(samplelog_last(c, "tp", t0 - 60, t0 + 5, &r, err), 1);
	assert_int_equal(r.t, t0);
	assert_int_equal(r.flag, 'C');
	/* after the last row, and between two rows: none */
	assert_int_equal(samplelog_last(c, "tp", t0 + 50000, t0 + 50100, &r,
	    err), 0);
	assert_int_equal(samplelog_last(c, "tp", t0 + 31, t0 + 39, &r, err),
	    0);
	assert_int_equal(samplelog_last(c, "nosuch", t0, t0 + 60, &r, err), 0);
	conf_free(c);
}

/* ---- Excel and WPS (read_text directly: the rows it keeps) ------------- */

static struct imp xim;
static struct conf *xconf;

/* IN read as `import` reads a file (-e ENC), in zone CST-8; bad rows. */
static int
read_buf(const char *in, size_t len, const char *enc)
{
	char err[LW_ERRLEN], *copy;
	int idx;

	memset(&xim, 0, sizeof(xim));
	assert_non_null(xconf = conf_load(conf, err));
	assert_int_equal(report_tz("CST-8", err), 0);
	assert_int_not_equal(idx = conf_sensor_find(xconf, "tp"), -1);
	xim.c = xconf;
	xim.s = &xconf->sensors[idx];
	xim.csv = csv;
	xim.enc = enc;
	assert_non_null(copy = malloc(len + 1));
	memcpy(copy, in, len);
	capture_start();
	assert_int_equal(read_text(&xim, copy, len), 0);
	capture_end();
	free(copy);
	return xim.bad;
}

static int
xteardown(void **state)
{
	free(xim.row);
	conf_free(xconf);
	xconf = NULL;
	return teardown(state);
}

#define T0	1777593600	/* 2026-05-01T00:00:00Z, 08:00 in CST-8 */

static void
row_is(size_t i, time_t t, double v, char flag, int line)
{
	assert_true(i < xim.n);
	assert_int_equal(xim.row[i].t, t);
	assert_float_equal(xim.row[i].value, v, 1e-12);
	assert_int_equal(xim.row[i].flag, flag);
	assert_int_equal(xim.row[i].line, line);
}

/* WPS in a Chinese locale: GBK, CR LF, 时间/总磷/单位, μg/L, a quoted note. */
static void
test_excel_gbk(void **state)
{
	static const char in[] =
	    "\xCA\xB1\xBC\xE4,\xD7\xDC\xC1\xD7,\xB5\xA5\xCE\xBB,"
	    "\xB1\xB8\xD7\xA2\r\n"
	    "2026/5/1 8:00,35,\xA6\xCC" "g/L,\"\xBA\xFE\xD0\xC4, "
	    "\xB1\xED\xB2\xE3\"\r\n"
	    "2026/5/1 9:00,0.04,mg/L,\r\n";

	(void)state;
	if (read_buf(in, sizeof(in) - 1, NULL) != 0)
		fail_msg("refused:\n%s", errbuf);
	assert_int_equal(xim.n, 2);
	row_is(0, T0, 0.035, 'N', 2);
	row_is(1, T0 + 3600, 0.04, 'N', 3);
}

/* Excel "CSV UTF-8" in a decimal-comma locale: BOM, ';', "0,05". */
static void
test_excel_bom_semicolon(void **state)
{
	static const char in[] = "\xEF\xBB\xBF时间;数值;数据标识\n"
	    "2026-05-01 08:00;0,05;N\n"
	    "2026/05/01 09:30:00;0,06;M\n";

	(void)state;
	if (read_buf(in, sizeof(in) - 1, NULL) != 0)
		fail_msg("refused:\n%s", errbuf);
	assert_int_equal(xim.n, 2);
	row_is(0, T0, 0.05, 'N', 2);
	row_is(1, T0 + 5400, 0.06, 'M', 3);
}

/* RFC 4180: quotes, a comma and a line break inside a field, "" inside. */
static void
test_quoted(void **state)
{
	static const char in[] = "time,value,flag,note\n"
	    "2026-05-01T00:00:00Z,0.05,N,\"a, b \"\"c\"\"\"\n"
	    "\"2026-05-01 09:00\",\"0.04\",,\"two\n"
	    "lines\"\n"
	    "2026-05-01 10:00,0.03\n"
	    ",,,\n";

	(void)state;
	if (read_buf(in, sizeof(in) - 1, NULL) != 0)
		fail_msg("refused:\n%s", errbuf);
	assert_int_equal(xim.n, 3);
	row_is(0, T0, 0.05, 'N', 2);
	row_is(1, T0 + 3600, 0.04, 'N', 3);
	row_is(2, T0 + 7200, 0.03, 'N', 5);
}

/* A lab sheet of several parameters: the sensor's column, its unit. */
static void
test_param_columns(void **state)
{
	static const char in[] = "采样时间,氨氮(mg/L),总磷（μg/L）,pH\n"
	    "2026/5/1 8:00,0.5,42,7.9\n";

	(void)state;
	if (read_buf(in, sizeof(in) - 1, NULL) != 0)
		fail_msg("refused:\n%s", errbuf);
	assert_int_equal(xim.n, 1);
	row_is(0, T0, 0.042, 'N', 2);
}

static void
test_excel_rejects(void **state)
{
	static const char gbk[] = "\xCA\xB1\xBC\xE4,\xD7\xDC\xC1\xD7\n"
	    "2026/5/1 8:00,0.05\n"
	    "2026/5/1 9:00,0.0\x81 \n";				/* 3 */
	static const char unit[] = "time,value,unit\n"
	    "2026-05-01 08:00,0.05,ppm\n"			/* 2 */
	    "2026-05-01 09:00,50,ug/L\n"
	    "2026/5/32 10:00,0.05,mg/L\n"			/* 4 */
	    "2026-05-01 11:00,\"0.0\"5\",mg/L\n"		/* 5 */
	    "2026-05-01 12:00,\"0.05,mg/L\n";			/* 6 */
	static const char nocol[] = "时间,氨氮\n2026/5/1 8:00,0.5\n";

	(void)state;
	assert_int_equal(read_buf(gbk, sizeof(gbk) - 1, NULL), 1);
	if (!named(3) || strstr(errbuf, "bad GB18030 byte sequence") == NULL)
		fail_msg("stderr:\n%s", errbuf);
	xteardown(state);
	setup(state);
	assert_int_equal(read_buf(gbk, sizeof(gbk) - 1, "UTF-8"), 2);
	if (!named(1) || !named(3) || strstr(errbuf, "not UTF-8") == NULL)
		fail_msg("stderr:\n%s", errbuf);
	xteardown(state);
	setup(state);
	assert_int_equal(read_buf(unit, sizeof(unit) - 1, NULL), 4);
	if (!named(2) || strstr(errbuf, "unknown unit 'ppm'") == NULL ||
	    !named(4) || !named(5) || !named(6) || named(3))
		fail_msg("stderr:\n%s", errbuf);
	assert_int_equal(xim.n, 1);
	row_is(0, T0 + 3600, 0.05, 'N', 3);
	xteardown(state);
	setup(state);
	assert_int_equal(read_buf(nocol, sizeof(nocol) - 1, NULL), 1);
	if (!named(1) || strstr(errbuf, "no column for tp") == NULL)
		fail_msg("stderr:\n%s", errbuf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accepts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_skips, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_excel_gbk, setup,
		    xteardown),
		cmocka_unit_test_setup_teardown(test_excel_bom_semicolon,
		    setup, xteardown),
		cmocka_unit_test_setup_teardown(test_quoted, setup, xteardown),
		cmocka_unit_test_setup_teardown(test_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_param_columns, setup,
		    xteardown),
		cmocka_unit_test_setup_teardown(test_excel_rejects, setup,
		    xteardown),
	};

	log_init("test", LOG_LVL_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
