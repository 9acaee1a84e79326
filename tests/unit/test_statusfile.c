/*
 * test_statusfile: how often status.json may be rewritten (issue 15: at
 * 600 sensors, every second was 60 % of the core thread's CPU) and when
 * `lakewatch status` calls it stale.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../lib/statusfile.h"
#include "tmpdir.h"

static int
every(size_t nsensor)
{
	struct conf c;

	memset(&c, 0, sizeof(c));
	c.nsensor = nsensor;
	return status_every(&c);
}

static void
test_every(void **state)
{
	(void)state;
	assert_int_equal(every(0), 1);
	assert_int_equal(every(20), 1);		/* a station: each poll */
	assert_int_equal(every(99), 1);
	assert_int_equal(every(100), 2);
	assert_int_equal(every(600), 7);	/* the N=200 farm */
	assert_int_equal(every(3000), 30);	/* never past the heartbeat */
	assert_int_equal(every(100000), STATUS_HEARTBEAT);
}

static void
test_stale_after(void **state)
{
	struct conf c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.nsensor = 600;
	/* a heartbeat and a rewrite late, and some slack */
	assert_true(status_stale_after(&c) > STATUS_HEARTBEAT + every(600));
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* the daemon's rewrite, 30 ms after the reader found the file torn */
static void *
finish_write(void *arg)
{
	struct timespec t = { 0, 30 * 1000 * 1000 };

	nanosleep(&t, NULL);
	put(arg, "{\"now\": 2}");
	return NULL;
}

/*
 * A reader that meets a torn status.json (write_swap rewrites the copy
 * before last in place) reads it again; a missing file is no retry, a
 * file torn for good an error.
 */
static void
test_load_torn(void **state)
{
	char dir[64], path[128];
	json_error_t e;
	pthread_t th;
	json_t *j;

	(void)state;
	assert_int_equal(tmpdir_make(dir, sizeof(dir), "statusfile"), 0);
	snprintf(path, sizeof(path), "%s/status.json", dir);
	assert_null(status_load(path, &e));
	assert_int_equal(json_error_code(&e), json_error_cannot_open_file);

	put(path, "{\"now\": 1, \"sens");
	assert_null(status_load(path, &e));

	put(path, "{\"now\": 1, \"sens");
	assert_int_equal(pthread_create(&th, NULL, finish_write, path), 0);
	j = status_load(path, &e);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "now")), 2);
	json_decref(j);
	assert_int_equal(tmpdir_remove(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every),
		cmocka_unit_test(test_stale_after),
		cmocka_unit_test(test_load_torn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
