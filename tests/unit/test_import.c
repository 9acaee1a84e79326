/*
 * test_import.c: what `lakewatch import` refuses (import.c), named by
 * line: values beyond +-1e9 (1e308 made a report print "mean inf"),
 * times before 1980 (0000 made a file 0000-01.csv), a NUL in a line (it
 * cut the value silently); and what samplelog_scan (lib/samplelog_read.c)
 * says of the sample log lines it skips (it skipped them without a
 * word).
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accepts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_skips, setup,
		    teardown),
	};

	log_init("test", LOG_LVL_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
