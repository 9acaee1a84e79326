/*
 * test_pool.c: the poll workers. Jobs run when due; a job that hangs
 * holds up only itself.
 * The bounds are loose on purpose (valgrind, sanitizers): they tell a
 * hung schedule from a working one, they do not time anything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../daemon/pool.h"
#include "../../daemon/util.h"

struct tjob {
	struct pool_job	 job;		/* first: the pool's handle */
	double		 period;	/* s */
	atomic_int	 runs;
	int		 hang_at;	/* this run sleeps HANG_S; 0 never */
	double		 late_max;	/* s */
};

#define HANG_S	0.8

static void
run(struct pool_job *pj)
{
	struct tjob *j = (struct tjob *)pj;
	double late = ts_diff(mono_now(), pj->due);
	int n = atomic_fetch_add(&j->runs, 1) + 1;

	if (late > j->late_max)
		j->late_max = late;
	if (n == j->hang_at)
		usleep((useconds_t)(HANG_S * 1e6));
	pj->due = ts_add(pj->due, j->period);
}

static void
start(struct pool *p, struct tjob *j, double period, double offset)
{
	memset(j, 0, sizeof(*j));
	j->period = period;
	j->job.run = run;
	j->job.due = ts_add(mono_now(), offset);
	pool_add(p, &j->job);
}

/* tick like the main loop does for SECS */
static void
tick_for(struct pool *p, double secs)
{
	struct timespec end = ts_add(mono_now(), secs);

	while (ts_diff(end, mono_now()) > 0) {
		pool_tick(p, 0.02);
		usleep(5000);
	}
}

static void
test_on_time(void **state)
{
	struct pool *p = pool_new(8);
	static struct tjob j[20];
	int i;

	(void)state;
	for (i = 0; i < 20; i++)
		start(p, &j[i], 0.02, 0.001 * i);
	tick_for(p, 0.6);
	for (i = 0; i < 20; i++)
		pool_remove(p, &j[i].job);
	pool_free(p);
	for (i = 0; i < 20; i++) {
		assert_in_range(atomic_load(&j[i].runs), 10, 40);
		assert_true(j[i].late_max < 0.2);
	}
}

/* a quick job hangs once: the others are still run on time */
static void
test_hang_hands_over(void **state)
{
	struct pool *p = pool_new(8);
	static struct tjob quick, hang;

	(void)state;
	start(p, &hang, 0.01, 0);
	hang.hang_at = 10;
	start(p, &quick, 0.01, 0.005);
	tick_for(p, 0.2 + 2 * HANG_S);
	pool_remove(p, &quick.job);
	pool_remove(p, &hang.job);
	pool_free(p);
	assert_true(atomic_load(&hang.runs) >= 10);
	/* had it waited for the hung job: HANG_S late */
	assert_true(quick.late_max < HANG_S / 2);
	assert_true(atomic_load(&quick.runs) > (int)(HANG_S / 0.01) / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_on_time),
		cmocka_unit_test(test_hang_hands_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
