/*
 * reps.h: how many rounds the randomised comparisons make (test_util,
 * test_jsonout, test_gb3838, test_midnight, test_samplelog_idx). Under valgrind, which runs
 * them some 50 times slower and is there for memory errors rather than
 * rare values, one in REPS_VALGRIND: `make check` and `make sanitize`
 * run them all.
 */
#ifndef TESTS_REPS_H
#define TESTS_REPS_H

#include <stdlib.h>
#include <string.h>

#define REPS_VALGRIND	50

/* Is this process run by valgrind (its preload is in LD_PRELOAD)? */
static inline int
under_valgrind(void)
{
	const char *pre = getenv("LD_PRELOAD");

	return pre != NULL && strstr(pre, "vgpreload") != NULL;
}

static inline long
reps(long n)
{
	if (under_valgrind())
		return n / REPS_VALGRIND > 0 ? n / REPS_VALGRIND : 1;
	return n;
}

#endif
