/*
 * rss.h: the unit tests' view of the process's own anonymous memory
 * (test_pool, test_queue: what the code gave back). Static, after
 * cmocka.h (it asserts): each test
 * program includes it once.
 */
#ifndef TESTS_RSS_H
#define TESTS_RSS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reps.h"

/*
 * The process's own RssAnon tells what the code gave back, but not under
 * ASan (shadow memory, fake stacks) or valgrind (its own memory).
 */
static inline int
rss_measurable(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 0;
#endif
	return !under_valgrind();
}

/* kB of anonymous memory the process holds (/proc/self/status) */
static inline long
rss_anon_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "RssAnon: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

#endif
