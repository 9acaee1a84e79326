/*
 * test_deliver.c: the delivery schedule of one webhook (deliver.c) on a
 * fake clock: per-sensor order, max_inflight, backoff (the failed entry
 * first and alone), Retry-After, the rate limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../daemon/deliver.h"

#define NSENSOR	3
enum { A, B, C };

static struct timespec
at(double s)
{
	long long ms = llround(s * 1000);
	struct timespec t;

	t.tv_sec = 1000 + (time_t)(ms / 1000);
	t.tv_nsec = (long)(ms % 1000) * 1000000;
	return t;
}

/* D with entries "<sensor letter><n>" for the sensors in SPEC ("AAB"). */
static void
setup(struct deliver *d, size_t max, int rate, const char *spec)
{
	struct dl_entries in;
	struct dl_entry *e;
	char name[8];
	int k[NSENSOR] = { 0 };

	deliver_init(d, max, NSENSOR, rate, 60, at(0));
	TAILQ_INIT(&in);
	for (; *spec != '\0'; spec++) {
		snprintf(name, sizeof(name), "%c%d", *spec,
		    ++k[*spec - 'A']);
		e = dl_entry_new(name, *spec - 'A');
		TAILQ_INSERT_TAIL(&in, e, link);
	}
	deliver_adopt(d, &in);
}

/* The name of what D picks at T ("-" for nothing), launched if any. */
static const char *
pick(struct deliver *d, double t, unsigned *epoch)
{
	struct dl_entry *e;

	if (deliver_pick(d, at(t), &e) != DL_SEND)
		return "-";
	*epoch = deliver_launched(d, &e, 1, at(t));
	return e->name;
}

static struct dl_entry *
find(struct deliver *d, const char *name)
{
	struct dl_entry *e;

	TAILQ_FOREACH(e, &d->q, link)
		if (strcmp(e->name, name) == 0)
			return e;
	fail_msg("no entry %s", name);
	return NULL;
}

/* Entry NAME came back accepted: its slot is free, it is removed. */
static int
ok(struct deliver *d, const char *name, unsigned epoch)
{
	int again;

	deliver_landed(d);
	again = deliver_ok(d, epoch);
	deliver_remove(d, find(d, name));
	return again;
}

static double
failed(struct deliver *d, const char *name, unsigned epoch, double after,
    double t)
{
	struct dl_entry *e = find(d, name);

	deliver_landed(d);
	return deliver_failed(d, &e, 1, epoch, after, 1.0, at(t));
}

/* An entry goes only when no older entry of its sensor is queued. */
static void
test_sensor_order(void **state)
{
	struct deliver d;
	unsigned ea1, eb1, ea2, x;

	(void)state;
	setup(&d, 16, 0, "AABCA");
	assert_string_equal(pick(&d, 0, &ea1), "A1");
	assert_string_equal(pick(&d, 0, &eb1), "B1");
	assert_string_equal(pick(&d, 0, &x), "C1");
	assert_string_equal(pick(&d, 0, &x), "-");	/* A2 waits for A1 */
	assert_int_equal(d.busy, 3);
	assert_int_equal(ok(&d, "B1", eb1), 0);
	assert_string_equal(pick(&d, 0.1, &x), "-");	/* B1 freed no A */
	assert_int_equal(ok(&d, "A1", ea1), 0);
	assert_string_equal(pick(&d, 0.2, &ea2), "A2");
	assert_string_equal(pick(&d, 0.2, &x), "-");	/* A3 behind A2 */
	ok(&d, "A2", ea2);
	assert_string_equal(pick(&d, 0.3, &x), "A3");
	deliver_release(&d);
}

/* No more than max requests at once; a freed slot takes the next. */
static void
test_max_inflight(void **state)
{
	struct deliver d;
	unsigned ea, eb, x;
	double s;

	(void)state;
	setup(&d, 2, 0, "ABC");
	assert_int_equal(deliver_wait(&d, at(0), &s), 1);
	assert_string_equal(pick(&d, 0, &ea), "A1");
	assert_string_equal(pick(&d, 0, &eb), "B1");
	assert_string_equal(pick(&d, 0, &x), "-");
	assert_int_equal(deliver_wait(&d, at(0), &s), 0);	/* all busy */
	ok(&d, "B1", eb);
	assert_string_equal(pick(&d, 0.5, &x), "C1");
	assert_int_equal(d.busy, 2);
	deliver_release(&d);
}

/* An entry whose sensor is unknown is handed back to be read first. */
static void
test_sense(void **state)
{
	struct deliver d;
	struct dl_entry *e;
	unsigned x;

	(void)state;
	setup(&d, 4, 0, "A");
	TAILQ_FIRST(&d.q)->sensor = -1;
	assert_int_equal(deliver_pick(&d, at(0), &e), DL_SENSE);
	assert_string_equal(e->name, "A1");
	e->sensor = A;
	assert_string_equal(pick(&d, 0, &x), "A1");
	deliver_release(&d);
}

/*
 * A failure backs the webhook off: nothing goes before the backoff ends
 * (1 s, doubling), an accepted request sent before the failure does not
 * end it, and after it the failed entry goes first and alone, though an
 * older entry of another sensor waits. Once that one is accepted the
 * webhook opens up again.
 */
static void
test_backoff(void **state)
{
	struct deliver d;
	unsigned ea1, eb1, eb1b, eb1c, ea2, x;
	double s;

	(void)state;
	setup(&d, 2, 0, "AAB");
	assert_string_equal(pick(&d, 0, &ea1), "A1");
	assert_string_equal(pick(&d, 0, &eb1), "B1");
	assert_int_equal(ok(&d, "A1", ea1), 0);	/* A2 may go now ... */
	assert_float_equal(failed(&d, "B1", eb1, 0, 0.1), 1.0, 1e-9);
	assert_string_equal(pick(&d, 0.5, &x), "-");	/* ... not in backoff */
	assert_int_equal(deliver_wait(&d, at(0.5), &s), 1);
	assert_float_equal(s, 0.6, 1e-6);
	assert_string_equal(pick(&d, 1.1, &eb1b), "B1");	/* failed first */
	assert_string_equal(pick(&d, 1.1, &x), "-");	/* and alone */
	assert_int_equal(deliver_wait(&d, at(1.1), &s), 0);
	/* it fails again: twice as long */
	assert_float_equal(failed(&d, "B1", eb1b, 0, 1.2), 2.0, 1e-9);
	assert_string_equal(pick(&d, 3.1, &x), "-");
	assert_string_equal(pick(&d, 3.2, &eb1c), "B1");
	assert_int_equal(ok(&d, "B1", eb1c), 1);	/* delivering again */
	assert_int_equal(d.attempts, 0);
	assert_string_equal(pick(&d, 3.3, &ea2), "A2");
	deliver_release(&d);
}

/*
 * A request sent before the backoff began fails too: the backoff stays
 * as it is (no doubling), unless that reply's Retry-After is later.
 */
static void
test_failure_before_backoff(void **state)
{
	struct deliver d;
	unsigned ea, eb, ec;

	(void)state;
	setup(&d, 3, 0, "ABC");
	pick(&d, 0, &ea);
	pick(&d, 0, &eb);
	pick(&d, 0, &ec);
	assert_float_equal(failed(&d, "A1", ea, 0, 0), 1.0, 1e-9);
	assert_true(failed(&d, "B1", eb, 0, 0.2) < 0);
	assert_int_equal(d.attempts, 1);
	assert_float_equal(d.next_try.tv_sec + d.next_try.tv_nsec / 1e9,
	    1001.0, 1e-6);
	assert_true(failed(&d, "C1", ec, 30, 0.3) < 0);
	assert_float_equal(d.next_try.tv_sec + d.next_try.tv_nsec / 1e9,
	    1030.3, 1e-6);
	deliver_release(&d);
}

/* Retry-After beyond the backoff is honoured, capped at an hour. */
static void
test_retry_after(void **state)
{
	struct deliver d;
	unsigned ea, x;

	(void)state;
	setup(&d, 4, 0, "AB");
	pick(&d, 0, &ea);
	pick(&d, 0, &x);
	assert_float_equal(failed(&d, "A1", ea, 30, 0), 30.0, 1e-9);
	assert_string_equal(pick(&d, 29.9, &x), "-");
	deliver_landed(&d);	/* B1 comes back too, say with 503 */
	assert_string_equal(pick(&d, 29.9, &x), "-");
	assert_string_equal(pick(&d, 30, &ea), "A1");
	assert_float_equal(failed(&d, "A1", ea, 86400, 30),
	    DELIVER_AFTER_MAX, 1e-9);
	deliver_release(&d);
}

/* The backoff: jitter takes it down to half, and it stops at 300 s. */
static void
test_backoff_bounds(void **state)
{
	struct deliver d;
	struct dl_entry *e;
	double w;
	int i;

	(void)state;
	setup(&d, 1, 0, "A");
	e = TAILQ_FIRST(&d.q);
	w = deliver_failed(&d, &e, 1, d.epoch, 0, 0.0, at(0));
	assert_float_equal(w, 0.5, 1e-9);
	for (i = 0; i < 30; i++)
		w = deliver_failed(&d, &e, 1, d.epoch, 0, 1.0, at(0));
	assert_float_equal(w, DELIVER_BACKOFF_MAX, 1e-9);
	deliver_release(&d);
}

/* rate_limit 2 a minute: the third waits for the first to age out. */
static void
test_rate_limit(void **state)
{
	struct deliver d;
	unsigned ea, x;

	(void)state;
	setup(&d, 4, 2, "ABC");
	assert_int_equal(deliver_rate_free(&d, at(0)), 2);
	assert_string_equal(pick(&d, 0, &ea), "A1");
	assert_string_equal(pick(&d, 10, &x), "B1");
	assert_int_equal(deliver_rate_free(&d, at(10)), 0);
	assert_string_equal(pick(&d, 20, &x), "-");
	assert_float_equal(d.next_try.tv_sec + d.next_try.tv_nsec / 1e9,
	    1060.0, 1e-6);
	assert_string_equal(pick(&d, 59.9, &x), "-");
	assert_string_equal(pick(&d, 60, &x), "C1");
	deliver_release(&d);
}

/* A folding webhook: one request at a time from the head. */
static void
test_serial(void **state)
{
	struct deliver d;
	struct dl_entry *e[4];

	(void)state;
	setup(&d, 1, 0, "AAB");
	assert_true(deliver_ready(&d, at(0)));
	assert_int_equal(deliver_head(&d, e, 4), 3);
	deliver_launched(&d, e, 3, at(0));
	assert_false(deliver_ready(&d, at(0)));
	deliver_landed(&d);
	deliver_failed(&d, e, 3, d.epoch, 0, 1.0, at(0));
	assert_false(deliver_ready(&d, at(0.9)));
	assert_true(deliver_ready(&d, at(1)));
	deliver_release(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sensor_order),
		cmocka_unit_test(test_max_inflight),
		cmocka_unit_test(test_sense),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_failure_before_backoff),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_serial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
