/*
 * test_notify_outbox.c: what the delivery thread needs of outbox.c: the
 * name of a new entry, the queue rebuilt in time order at start-up with
 * the leftovers of a torn write removed, and counting dead letters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/outbox.h"
#include "../../lib/util.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, sizeof(dir), "nob");
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void
add(const char *id, char *name)
{
	char err[LW_ERRLEN];

	if (outbox_add(dir, "ops", id, "{\"event_id\":\"x\"}", name, err) ==
	    -1)
		fail_msg("outbox_add: %s", err);
}

static void
touch(const char *name, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/outbox/ops/%s", dir, name);
	assert_int_equal(write_replace(path, text, strlen(text), 0640, 0), 0);
}

static void
free_names(char **v, size_t n)
{
	while (n-- > 0)
		free(v[n]);
	free(v);
}

static void
test_add_names_entry(void **state)
{
	char name[OUTBOX_NAME_MAX], *s;

	(void)state;
	add("centre-tp:threshold:7", name);
	/* ms timestamp, sequence, the id made safe for a file name */
	assert_int_equal(strlen(name), 14 + 1 + 6 + 1 +
	    strlen("centre-tp_threshold_7.json"));
	assert_string_equal(name + 22, "centre-tp_threshold_7.json");
	s = outbox_read(dir, "ops", name);
	assert_non_null(s);
	assert_string_equal(s, "{\"event_id\":\"x\"}");
	free(s);
}

static void
test_scan_order_and_tmp(void **state)
{
	char a[OUTBOX_NAME_MAX], b[OUTBOX_NAME_MAX], path[256];
	char **v;
	size_t n;

	(void)state;
	assert_int_equal(outbox_scan(dir, "none", &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	add("a:threshold:1", a);
	add("b:threshold:1", b);
	/* older by name, written later; and a write cut short by a crash */
	touch("00000000000001-000000-old.json", "{}");
	touch("99999999999999-000000-torn.json.tmp", "{\"ev");
	assert_int_equal(outbox_scan(dir, "ops", &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "00000000000001-000000-old.json");
	assert_string_equal(v[1], a);
	assert_string_equal(v[2], b);
	free_names(v, n);
	snprintf(path, sizeof(path), "%s/outbox/ops/99999999999999-000000-"
	    "torn.json.tmp", dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(outbox_count(dir, "ops"), 3);
}

static void
test_many_sorted(void **state)
{
	char name[OUTBOX_NAME_MAX], prev[OUTBOX_NAME_MAX] = "";
	char **v;
	size_t n, i;

	(void)state;
	for (i = 0; i < 300; i++)
		add("s:threshold:1", name);
	assert_int_equal(outbox_scan(dir, "ops", &v, &n), 0);
	assert_int_equal(n, 300);
	for (i = 0; i < n; i++) {
		assert_true(strcmp(prev, v[i]) < 0);
		snprintf(prev, sizeof(prev), "%s", v[i]);
	}
	free_names(v, n);
}

static void
test_dead_count(void **state)
{
	char a[OUTBOX_NAME_MAX], b[OUTBOX_NAME_MAX];

	(void)state;
	assert_int_equal(outbox_dead_count(dir, "ops"), 0);
	add("a:threshold:1", a);
	add("b:threshold:1", b);
	assert_int_equal(outbox_deadletter(dir, "ops", a, "HTTP 400\n"), 0);
	assert_int_equal(outbox_dead_count(dir, "ops"), 1);
	assert_int_equal(outbox_deadletter(dir, "ops", b, "unreadable\n"), 0);
	assert_int_equal(outbox_dead_count(dir, "ops"), 2);
	assert_int_equal(outbox_count(dir, "ops"), 0);
	/* an entry that is gone cannot be moved */
	assert_int_equal(outbox_deadletter(dir, "ops", a, "again\n"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_names_entry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_scan_order_and_tmp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_sorted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dead_count, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
