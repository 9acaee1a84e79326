/* test_queue.c: the bounded sample queue between the buses and the core */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../daemon/queue.h"
#include "rss.h"

static struct sample
sample(int i)
{
	struct sample s;

	memset(&s, 0, sizeof(s));
	snprintf(s.sensor, sizeof(s.sensor), "s%d", i);
	s.idx = i;
	s.t = 1795680000 + i;
	s.value = i / 1000.0;
	s.flag = 'N';
	return s;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
test_order(void **state)
{
	struct queue *q = queue_new(8);
	struct sample s, out[8];
	size_t n;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		s = sample(i);
		assert_int_equal(queue_push(q, &s, 0), 0);
	}
	assert_int_equal(queue_depth(q), 5);
	n = queue_pop(q, out, 3, 0);	/* at most MAX */
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(out[i].idx, i);
		assert_string_equal(out[i].sensor, sample(i).sensor);
	}
	for (i = 5; i < 11; i++) {	/* wraps around the ring */
		s = sample(i);
		assert_int_equal(queue_push(q, &s, 0), 0);
	}
	n = queue_pop(q, out, 8, 0);
	assert_int_equal(n, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(out[i].idx, i + 3);
	assert_int_equal(queue_depth(q), 0);
	assert_int_equal(queue_drops(q), 0);
	queue_free(q);
}

static void
test_capacity_drops(void **state)
{
	struct queue *q = queue_new(3);
	struct sample s, out[4];
	double t;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		s = sample(i);
		assert_int_equal(queue_push(q, &s, 0), 0);
	}
	s = sample(3);
	assert_int_equal(queue_push(q, &s, 0), -1);
	t = now_ms();
	assert_int_equal(queue_push(q, &s, 50), -1);
	assert_true(now_ms() - t >= 40);	/* it waited for room */
	assert_int_equal(queue_drops(q), 2);
	assert_int_equal(queue_depth(q), 3);
	/* the dropped ones are the new ones, not the queued */
	assert_int_equal(queue_pop(q, out, 4, 0), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(out[i].idx, i);
	assert_int_equal(queue_drops(q), 2);
	queue_free(q);
}

static void
test_pop_timeout(void **state)
{
	struct queue *q = queue_new(2);
	struct sample out[2];
	double t;

	(void)state;
	assert_int_equal(queue_pop(q, out, 2, 0), 0);
	t = now_ms();
	assert_int_equal(queue_pop(q, out, 2, 100), 0);
	assert_true(now_ms() - t >= 90);
	queue_free(q);
}

static void *
wake_later(void *arg)
{
	struct timespec d = { 0, 50 * 1000000 };

	nanosleep(&d, NULL);
	queue_wake(arg);
	return NULL;
}

static void
test_wake(void **state)
{
	struct queue *q = queue_new(2);
	struct sample out[2];
	pthread_t th;
	double t;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, wake_later, q), 0);
	t = now_ms();
	assert_int_equal(queue_pop(q, out, 2, 5000), 0);
	assert_true(now_ms() - t < 2500);
	pthread_join(th, NULL);
	queue_free(q);
}

struct pusher {
	struct queue	*q;
	int		 rc;
};

static void *
push_later(void *arg)
{
	struct pusher *p = arg;
	struct timespec d = { 0, 50 * 1000000 };
	struct sample s = sample(42);

	nanosleep(&d, NULL);
	p->rc = queue_push(p->q, &s, 0);
	return NULL;
}

static void *
pop_later(void *arg)
{
	struct pusher *p = arg;
	struct timespec d = { 0, 50 * 1000000 };
	struct sample out[1];

	nanosleep(&d, NULL);
	p->rc = (int)queue_pop(p->q, out, 1, 0);
	return NULL;
}

static void
test_threads(void **state)
{
	struct pusher p;
	struct sample s = sample(7), out[2];
	pthread_t th;

	(void)state;
	/* a waiting pop gets a sample pushed meanwhile */
	p.q = queue_new(1);
	p.rc = -2;
	assert_int_equal(pthread_create(&th, NULL, push_later, &p), 0);
	assert_int_equal(queue_pop(p.q, out, 2, 5000), 1);
	pthread_join(th, NULL);
	assert_int_equal(p.rc, 0);
	assert_int_equal(out[0].idx, 42);
	/* a waiting push gets the room a pop makes meanwhile */
	assert_int_equal(queue_push(p.q, &s, 0), 0);
	assert_int_equal(pthread_create(&th, NULL, pop_later, &p), 0);
	assert_int_equal(queue_push(p.q, &s, 5000), 0);
	pthread_join(th, NULL);
	assert_int_equal(p.rc, 1);
	assert_int_equal(queue_drops(p.q), 0);
	assert_int_equal(queue_depth(p.q), 1);
	queue_free(p.q);
}

/*
 * A backlog (the start-up of a big station) makes the ring resident as
 * deep as it got; once the core has drained it, the pages beyond what
 * ordinary bursts need go back, and the ring still works after.
 */
static void
test_backlog_released(void **state)
{
	enum { CAP = 100000, DEEP = 80000 };
	struct queue *q;
	struct sample s, out[512];
	long full, drained;
	size_t n, got = 0;
	int i, j;

	(void)state;
	if (!rss_measurable())
		skip();		/* before anything is allocated: skip returns */
	q = queue_new(CAP);
	for (i = 0; i < DEEP; i++) {
		s = sample(i);
		assert_int_equal(queue_push(q, &s, 0), 0);
	}
	full = rss_anon_kb();
	while ((n = queue_pop(q, out, 512, 0)) > 0) {
		assert_int_equal(out[0].idx, (int)got);
		got += n;
	}
	assert_int_equal(got, DEEP);
	/* ordinary cycles after: a few samples each, the queue emptied */
	for (j = 0; j < 100; j++) {
		for (i = 0; i < 10; i++) {
			s = sample(i);
			assert_int_equal(queue_push(q, &s, 0), 0);
		}
		assert_int_equal(queue_pop(q, out, 512, 0), 10);
	}
	drained = rss_anon_kb();
	/* DEEP samples are ~9 MiB; at most QUEUE_KEEP-ish may stay */
	assert_true(full - drained >
	    (long)(DEEP * sizeof(struct sample) / 1024) - 1024);
	for (i = 0; i < 3; i++) {		/* still a queue */
		s = sample(i);
		assert_int_equal(queue_push(q, &s, 0), 0);
	}
	assert_int_equal(queue_pop(q, out, 512, 0), 3);
	assert_int_equal(out[2].idx, 2);
	assert_int_equal(queue_drops(q), 0);
	queue_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_capacity_drops),
		cmocka_unit_test(test_pop_timeout),
		cmocka_unit_test(test_wake),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_backlog_released),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
