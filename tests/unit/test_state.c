/*
 * test_state.c: state.json of a big station is written a sensor at a
 * time to the temporary file (state_save), never whole in memory, where
 * its 2.8 MB at 3000 sensors set the daemon's peak (VmHWM); and it reads
 * back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../daemon/eval.h"
#include "../../daemon/state.h"
#include "../../lib/conf.h"
#include "rss.h"

#define NSENSOR	3000

/* kB of /proc/self/status field KEY */
static long
status_kb(const char *key)
{
	char line[128];
	long kb = -1;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, n) == 0) {
			kb = strtol(line + n, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/* The peak RSS starts again from the RSS now (clear_refs 5). */
static int
reset_peak(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	int ok;

	if (f == NULL)
		return -1;
	ok = fputs("5", f) != EOF;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static void
test_big_save(void **state)
{
	static char names[NSENSOR][16];
	char dir[] = "/tmp/lw-state-XXXXXX", path[PATH_MAX];
	struct conf c;
	struct alarm_state *st, *back;
	struct stat sb;
	long base, peak;
	char err[LW_ERRLEN];
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	memset(&c, 0, sizeof(c));
	c.state_dir = dir;
	c.nsensor = NSENSOR;
	c.sensors = calloc(NSENSOR, sizeof(*c.sensors));
	st = calloc(NSENSOR, sizeof(*st));
	back = calloc(NSENSOR, sizeof(*back));
	assert_true(c.sensors != NULL && st != NULL && back != NULL);
	for (i = 0; i < NSENSOR; i++) {
		snprintf(names[i], sizeof(names[i]), "dev%04zu-tp", i);
		c.sensors[i].name = names[i];
		st[i].last_valid = 1796321503 + (time_t)i;
		st[i].fails = (int)(i % 7);
	}
	assert_int_equal(state_save(&c, st), 0);	/* warm: stdio, jansson */
	if (rss_measurable() && reset_peak() == 0) {
		base = status_kb("VmRSS:");
		assert_int_equal(state_save(&c, st), 0);
		peak = status_kb("VmHWM:");
		print_message("state.json: peak %ld kB over the RSS "
		    "(RssAnon %ld kB)\n", peak - base, rss_anon_kb());
		snprintf(path, sizeof(path), "%s/state.json", dir);
		assert_int_equal(stat(path, &sb), 0);
		/* a 2.8 MB file; a stdio buffer and one sensor's tree */
		assert_true(sb.st_size > 2000 * 1024);
		assert_true(peak - base < 512);
	}
	assert_int_equal(state_load(&c, back, err), 0);
	for (i = 0; i < NSENSOR; i++) {
		assert_int_equal(back[i].last_valid, st[i].last_valid);
		assert_int_equal(back[i].fails, st[i].fails);
	}
	snprintf(path, sizeof(path), "%s/state.json", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	for (i = 0; i < NSENSOR; i++) {
		eval_free(&st[i]);
		eval_free(&back[i]);
	}
	free(st);
	free(back);
	free(c.sensors);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_save),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
