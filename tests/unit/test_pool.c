/*
 * test_pool.c: the poll workers. Jobs run when due; a job that hangs
 * holds up only itself; steps wait for their sockets on the leading
 * thread, a time-out hands the job to run(), a removed job's late
 * events are ignored.
 * The bounds are loose on purpose (valgrind, sanitizers): they tell a
 * hung schedule from a working one, they do not time anything.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../daemon/pool.h"
#include "../../lib/util.h"
#include "rss.h"

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

/*
 * Wait SECS, ticking like the main loop of a quiet daemon: once a
 * second, so that the pool must keep its jobs on time by itself.
 */
static void
tick_for(struct pool *p, double secs)
{
	struct timespec end = ts_add(mono_now(), secs);
	double left;

	while ((left = ts_diff(end, mono_now())) > 0) {
		usleep((useconds_t)((left < 1 ? left : 1) * 1e6));
		pool_tick(p, 0.02);
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

/* A job with a step; its device is the far end of a socketpair. */
struct sjob {
	struct pool_job	 job;		/* first: the pool's handle */
	int		 sv[2];
	int		 answer;	/* the device answers each request */
	int		 hang;		/* its first run() sleeps HANG_S */
	int		 removed;
	double		 late_max;
	struct timespec	 last;		/* its step was last called */
	double		 gap_max;	/* s between two calls */
	atomic_int	 dues, readies, timeouts, runs, after;
};

static int
sstep(struct pool_job *pj, enum pool_ev ev)
{
	struct sjob *j = (struct sjob *)pj;
	double late, gap;
	char c;

	if (j->removed)
		atomic_fetch_add(&j->after, 1);
	if (j->last.tv_sec != 0 && (gap = ts_diff(mono_now(), j->last)) >
	    j->gap_max)
		j->gap_max = gap;
	j->last = mono_now();
	switch (ev) {
	case POOL_DUE:
		late = ts_diff(mono_now(), pj->due);
		if (late > j->late_max)
			j->late_max = late;
		atomic_fetch_add(&j->dues, 1);
		if (j->answer && write(j->sv[1], "x", 1) != 1)
			return POOL_BLOCK;
		pj->fd = j->sv[0];
		pj->due = ts_add(mono_now(), j->answer ? 0.5 : 0.1);
		return POOL_WAIT;
	case POOL_READY:
		atomic_fetch_add(&j->readies, 1);
		if (read(j->sv[0], &c, 1) != 1)
			return POOL_BLOCK;
		pj->due = ts_add(mono_now(), 0.02);
		return POOL_DONE;
	default:
		atomic_fetch_add(&j->timeouts, 1);
		return POOL_BLOCK;
	}
}

static void
srun(struct pool_job *pj)
{
	struct sjob *j = (struct sjob *)pj;

	if (atomic_fetch_add(&j->runs, 1) == 0 && j->hang)
		usleep((useconds_t)(HANG_S * 1e6));
	pj->due = ts_add(mono_now(), 0.02);
}

static void
sstart(struct pool *p, struct sjob *j, int answer)
{
	memset(j, 0, sizeof(*j));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, j->sv), 0);
	j->answer = answer;
	j->job.run = srun;
	j->job.step = sstep;
	j->job.due = mono_now();
	pool_add(p, &j->job);
}

static void
sstop(struct pool *p, struct sjob *j)
{
	pool_remove(p, &j->job);
	j->removed = 1;
	close(j->sv[0]);
	close(j->sv[1]);
}

/* answered steps never leave the leader; a silent one times out to run() */
static void
test_steps(void **state)
{
	struct pool *p = pool_new(8);
	static struct sjob j[10], silent;
	size_t now, peak;
	int i;

	(void)state;
	for (i = 0; i < 10; i++)
		sstart(p, &j[i], 1);
	sstart(p, &silent, 0);
	tick_for(p, 1.0);
	for (i = 0; i < 10; i++)
		sstop(p, &j[i]);
	sstop(p, &silent);
	pool_count(p, &now, &peak);
	pool_free(p);
	for (i = 0; i < 10; i++) {
		assert_true(atomic_load(&j[i].readies) >= 10);
		assert_true(atomic_load(&j[i].readies) >=
		    atomic_load(&j[i].dues) - 1);
		assert_int_equal(atomic_load(&j[i].timeouts), 0);
		assert_int_equal(atomic_load(&j[i].runs), 0);
		assert_true(j[i].late_max < 0.2);
	}
	assert_true(atomic_load(&silent.timeouts) >= 3);
	assert_int_equal(atomic_load(&silent.readies), 0);
	/* every time-out was handed to run(), at most the last one not yet */
	assert_true(atomic_load(&silent.runs) >=
	    atomic_load(&silent.timeouts) - 1);
	assert_true(peak <= 4);
}

/*
 * A step that gives up goes to a follower and the leader keeps leading.
 * Two workers at most (the leader and one), two silent devices whose
 * runs hang at once: had the leader run one itself and handed the lead
 * on, nobody would lead while both hang, and the answered step would
 * wait HANG_S between two calls (as each time-out of a silent device
 * made the healthy ones wait for a follower to wake).
 */
static void
test_runs_keep_lead(void **state)
{
	struct pool *p = pool_new(2);
	static struct sjob silent[2], healthy;
	int i;

	(void)state;
	sstart(p, &healthy, 1);
	tick_for(p, 0.1);
	healthy.gap_max = 0;
	for (i = 0; i < 2; i++) {
		sstart(p, &silent[i], 0);
		silent[i].hang = 1;
	}
	tick_for(p, 0.3 + 2 * HANG_S);
	for (i = 0; i < 2; i++)
		sstop(p, &silent[i]);
	sstop(p, &healthy);
	pool_free(p);
	for (i = 0; i < 2; i++)
		assert_true(atomic_load(&silent[i].runs) >= 1);
	assert_true(healthy.gap_max < HANG_S / 2);
	assert_true(atomic_load(&healthy.readies) >= 10);
}

/* a job removed while it waits: its socket's late event is ignored */
static void
test_remove_waiting(void **state)
{
	struct pool *p = pool_new(8);
	static struct sjob j, other;

	(void)state;
	sstart(p, &j, 0);
	j.job.due = ts_add(mono_now(), 0);
	sstart(p, &other, 1);
	tick_for(p, 0.05);		/* j waits for its reply */
	pool_remove(p, &j.job);
	j.removed = 1;
	assert_int_equal(write(j.sv[1], "x", 1), 1);	/* ... it comes */
	tick_for(p, 0.3);		/* past j's deadline, too */
	sstop(p, &other);
	pool_free(p);
	close(j.sv[0]);
	close(j.sv[1]);
	assert_int_equal(atomic_load(&j.after), 0);
	assert_int_equal(atomic_load(&j.readies), 0);
	assert_true(atomic_load(&other.readies) >= 3);
}

#define DEEP_JOBS	48
#define DEEP_STACK	(40 * 1024)

static atomic_int deep_started;

/* A job that goes deep into its worker's stack and blocks a while. */
static void
deep_run(struct pool_job *pj)
{
	volatile char buf[DEEP_STACK];
	int i;

	for (i = 0; i < DEEP_STACK; i += 512)
		buf[i] = (char)i;
	atomic_fetch_add(&deep_started, 1);
	usleep(300 * 1000);
	pj->due = ts_add(mono_now(), 3600);
	(void)buf[0];
}

/*
 * Workers that ended (here: the pool freed) leave no stack resident
 * behind them: glibc keeps ended threads' stacks for reuse, as deep as
 * they got, and at least their tops (TLS, the thread's descriptor:
 * 48 x 12-16 KiB even when the rest was given back).
 */
static void
test_ended_workers_stacks(void **state)
{
	static struct pool_job j[DEEP_JOBS];
	struct pool *p;
	long before, after;
	int i;

	(void)state;
	if (!rss_measurable())
		skip();
	before = rss_anon_kb();
	p = pool_new(DEEP_JOBS + 4);
	for (i = 0; i < DEEP_JOBS; i++) {
		memset(&j[i], 0, sizeof(j[i]));
		j[i].run = deep_run;
		j[i].due = mono_now();
		pool_add(p, &j[i]);
	}
	for (i = 0; i < 100 && atomic_load(&deep_started) < DEEP_JOBS; i++)
		tick_for(p, 0.1);
	assert_int_equal(atomic_load(&deep_started), DEEP_JOBS);
	for (i = 0; i < DEEP_JOBS; i++)
		pool_remove(p, &j[i]);
	pool_free(p);
	after = rss_anon_kb();
	/* 48 stacks 40 KiB deep are ~1.9 MiB; not even their tops stay */
	print_message("RssAnon %ld kB more after the pool\n", after - before);
	assert_true(after - before < 4 * 64);
}

#define BURST_JOBS	300

static atomic_int burst_runs;

/* A device not yet connected: its step hands it to run() at once. */
static int
burst_step(struct pool_job *pj, enum pool_ev ev)
{
	(void)pj;
	(void)ev;
	return POOL_BLOCK;
}

/* its connect and first poll: quick */
static void
burst_run(struct pool_job *pj)
{
	usleep(200);
	pj->due = ts_add(mono_now(), 3600);
	atomic_fetch_add(&burst_runs, 1);
}

/*
 * Three hundred devices come due at once, each handed to run() for its
 * first connect (the daemon's start): the runs are quick, so a few
 * workers take them in turn. Started one per hand-over (before the
 * first could run), there were a worker per device, each a stack.
 */
static void
test_start_burst(void **state)
{
	static struct pool_job j[BURST_JOBS];
	struct timespec due = ts_add(mono_now(), 0.05);
	struct pool *p = pool_new(4096);
	size_t now, peak;
	int i;

	(void)state;
	for (i = 0; i < BURST_JOBS; i++) {
		memset(&j[i], 0, sizeof(j[i]));
		j[i].run = burst_run;
		j[i].step = burst_step;
		j[i].due = due;
		pool_add(p, &j[i]);
	}
	for (i = 0; i < 100 && atomic_load(&burst_runs) < BURST_JOBS; i++)
		tick_for(p, 0.05);
	pool_count(p, &now, &peak);
	for (i = 0; i < BURST_JOBS; i++)
		pool_remove(p, &j[i]);
	pool_free(p);
	print_message("%zu workers at most for %d runs\n", peak, BURST_JOBS);
	assert_int_equal(atomic_load(&burst_runs), BURST_JOBS);
	assert_true(peak <= BURST_JOBS / 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_on_time),
		cmocka_unit_test(test_hang_hands_over),
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_runs_keep_lead),
		cmocka_unit_test(test_remove_waiting),
		cmocka_unit_test(test_ended_workers_stacks),
		cmocka_unit_test(test_start_burst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
