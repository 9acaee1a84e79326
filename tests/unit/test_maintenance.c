/*
 * test_maintenance.c: `lakewatch maintenance` (maintenance.c) in a
 * temporary state_dir: -f takes 1 s to 366 days; anything else (1e300
 * once wrote INT64_MIN, so the maintenance was neither applied nor
 * listed) is a usage error and writes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "../../lib/log.h"
#include "../../tool/maintenance.c"

static char dir[64], conf[128], mfile[128];

static int
setup(void **state)
{
	FILE *fp;

	(void)state;
	if (tmpdir_make(dir, sizeof(dir), "maint") == -1)
		return -1;
	snprintf(conf, sizeof(conf), "%s/lw.conf", dir);
	snprintf(mfile, sizeof(mfile), "%s/maintenance/tp", dir);
	if ((fp = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(fp, "[daemon]\nstate_dir = %s\n[bus b]\nhost = 127.0.0.1\n"
	    "[sensor tp]\nbus = b\nregister = 0\n", dir);
	return fclose(fp);
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* lakewatch maintenance -c CONF tp on -f DUR; its exit status. */
static int
maint_on(const char *dur)
{
	static char cmd[] = "maintenance", c[] = "-c", tp[] = "tp",
	    on[] = "on", f[] = "-f";
	char d[32], *argv[] = { cmd, c, conf, tp, on, f, d, NULL };

	snprintf(d, sizeof(d), "%s", dur);
	optind = 1;
	return tool_maintenance(7, argv);
}

static void
test_bounds(void **state)
{
	static const char *const bad[] = { "1e300", "1e20", "367d",
	    "8785h", "0.5", "0", "500ms", "-1h", "inf", "nan", NULL };
	const char *const *b;
	long long until;

	(void)state;
	for (b = bad; *b != NULL; b++) {
		assert_int_equal(maint_on(*b), EX_USAGE);
		assert_int_equal(access(mfile, F_OK), -1);
	}
	assert_int_equal(maint_on("8784h"), 0);
	assert_int_equal(read_ll(mfile, &until), 0);
	assert_true(until > (long long)wall_now() + 8783 * 3600LL);
	assert_true(until <= (long long)wall_now() + 8784 * 3600LL);
	assert_int_equal(maint_on("2h"), 0);
	assert_int_equal(read_ll(mfile, &until), 0);
	assert_true(until > (long long)wall_now() + 7100);
	assert_true(until <= (long long)wall_now() + 7200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
	};

	log_init("test", LOG_LVL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
