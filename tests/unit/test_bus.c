/*
 * test_bus.c: the decisions of a bus (busrule.c) on their own, and the
 * blocking poll (buslink.c, buspoll.c) over a fake device and a fake
 * clock through struct bus_ops: how often a request is tried and how
 * long the pauses are, when a unit gets one try, how the reconnect
 * backoff grows, a refused merged read split, a refused register put
 * aside and asked again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <malloc.h>
#include <modbus.h>
#include <string.h>

#include "../../daemon/busint.h"
#include "../../daemon/busrule.h"
#include "../../daemon/queue.h"
#include "../../lib/log.h"
#include "tmpdir.h"

#define NADDR	256

/* A device on the fake bus: it answers what ANSWER says, on its clock. */
struct dev {
	double	 clock;		/* s: the bus's ops->now */
	int	 connect_fail;
	int	 connects;
	int	 calls;		/* transactions tried */
	int	 calls_at[NADDR];	/* by first register */
	int	 flushes;
	double	 slept[64];	/* the pauses asked for, in order */
	int	 nslept;
	int	 err;		/* what answer_err gives */
	int	 (*answer)(struct dev *, const struct plan_req *);
};

static int
answer_err(struct dev *d, const struct plan_req *r)
{
	(void)r;
	return d->err;
}

static int
fake_connect(struct bus *bus)
{
	struct dev *d = bus->dev;

	d->connects++;
	if (d->connect_fail) {
		errno = ECONNREFUSED;
		return -1;
	}
	return 0;
}

static void
fake_close(struct bus *bus)
{
	(void)bus;
}

static int
fake_transact(struct bus *bus, const struct plan_req *r, uint16_t *regs)
{
	struct dev *d = bus->dev;
	int err = d->answer(d, r);

	d->calls++;
	if (r->addr < NADDR)
		d->calls_at[r->addr]++;
	d->clock += err == ETIMEDOUT ? bus->b->timeout : 0.01;
	if (err == 0)
		memset(regs, 0, (size_t)r->count * sizeof(*regs));
	return err;
}

static void
fake_flush(struct bus *bus)
{
	((struct dev *)bus->dev)->flushes++;
}

static double
fake_now(struct bus *bus)
{
	return ((struct dev *)bus->dev)->clock;
}

static void
fake_sleep(struct bus *bus, double secs)
{
	struct dev *d = bus->dev;

	if (d->nslept < 64)
		d->slept[d->nslept++] = secs;
	d->clock += secs;
}

static const struct bus_ops fake_ops = {
	fake_connect, fake_close, fake_transact, fake_flush, fake_now,
	fake_sleep
};

struct fix {
	char		 dir[64];
	struct conf	*c;
	struct queue	*q;
	struct dev	 d;
	struct bus	*bus;
	struct sample	 s[16];		/* the last poll's samples */
	size_t		 ns;
};

static struct fix F;

/* A bus "b" (RTU, 2 retries, no gap) with the sensors of SENSORS. */
static void
start(const char *sensors, int (*answer)(struct dev *,
    const struct plan_req *))
{
	char path[128], err[LW_ERRLEN];
	FILE *fp;

	memset(&F, 0, sizeof(F));
	assert_int_equal(tmpdir_make(F.dir, sizeof(F.dir), "bus"), 0);
	snprintf(path, sizeof(path), "%s/t.conf", F.dir);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "[daemon]\nstate_dir = %s\n"
	    "[bus b]\ntype = rtu\ndevice = /dev/null\nretries = 2\n"
	    "gap = 0\ntimeout = 1s\nbackoff_max = 8s\n%s", F.dir, sensors);
	fclose(fp);
	if ((F.c = conf_load(path, err)) == NULL)
		fail_msg("refused: %s", err);
	F.q = queue_new(64);
	F.d.clock = 1000;
	F.d.answer = answer;
	F.bus = bus_new(F.c, 0, F.q, &fake_ops, &F.d);
}

static int
teardown(void **state)
{
	(void)state;
	if (F.bus != NULL)
		bus_free(F.bus);
	if (F.q != NULL)
		queue_free(F.q);
	conf_free(F.c);
	tmpdir_remove(F.dir);
	memset(&F, 0, sizeof(F));
	return 0;
}

/* One poll of every sensor (they share one interval); its samples in F.s. */
static void
poll_once(void)
{
	bus_tick(F.bus, F.bus->next_t[0]);
	F.ns = queue_pop(F.q, F.s, 16, 0);
}

#define SENSOR(name, unit, reg) \
	"[sensor " name "]\nbus = b\nunit = " #unit "\nregister = " #reg \
	"\nparameter = temp\ninterval = 10\n"

/* Pure: which results are tried again, after how long. */
static void
test_rule_retry_pause(void **state)
{
	(void)state;
	assert_true(busrule_retry_pause(0, 0.5) < 0);
	assert_true(busrule_retry_pause(EMBXILADD, 0.5) < 0);
	assert_true(busrule_retry_pause(ECONNRESET, 0.5) < 0);
	assert_true(busrule_retry_pause(ETIMEDOUT, 0) == 0.01);
	assert_true(busrule_retry_pause(EMBBADCRC, 0.99) < 0.02);
	assert_true(busrule_retry_pause(EMBBADDATA, 0) > 0);
	assert_true(busrule_retry_pause(EMBXSBUSY, 0) == 0.1);
	assert_int_equal(busrule_tries(0, 2), 3);
	assert_int_equal(busrule_tries(UNIT_DOWN - 1, 2), 3);
	assert_int_equal(busrule_tries(UNIT_DOWN, 2), 1);
}

/* Pure: the backoff doubles from 1 s to its limit, and is jittered. */
static void
test_rule_backoff(void **state)
{
	double b = 0, want[] = { 1, 2, 4, 8, 10, 10 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		b = busrule_backoff(b, 10);
		assert_true(b == want[i]);
	}
	assert_true(busrule_retry_at(100, 4, 0) == 103);
	assert_true(busrule_retry_at(100, 4, 0.999) < 105);
}

/* Pure: the refusals of one sensor, polled again and again. */
static void
test_rule_refusals(void **state)
{
	struct busrule_refusal r;
	int poll, asked = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(busrule_refused(&r, 1), BUSRULE_FIRST);
	assert_int_equal(busrule_refused(&r, 1), BUSRULE_NONE);
	assert_int_equal(busrule_refused(&r, 1), BUSRULE_OFF);
	assert_true(r.disabled);
	/* put aside: asked on the REPROBE-th poll after */
	for (poll = 1; poll <= REPROBE; poll++)
		if (busrule_asked(&r))
			asked = poll;
	assert_int_equal(asked, REPROBE);
	assert_int_equal(busrule_refused(&r, 1), BUSRULE_NONE);
	assert_true(busrule_skipped(&r) || r.wait == REPROBE);
	assert_int_equal(busrule_answered(&r), BUSRULE_BACK);
	assert_false(r.disabled);
	assert_int_equal(busrule_answered(&r), BUSRULE_NONE);
	/* a unit that refuses everything: NOT_READY_OFF polls */
	for (poll = 1; poll < NOT_READY_OFF; poll++)
		assert_int_not_equal(busrule_refused(&r, 0), BUSRULE_OFF);
	assert_int_equal(busrule_refused(&r, 0), BUSRULE_OFF);
	/* split only a merged read of several sensors, once */
	assert_true(busrule_split(EMBXILADD, 0, 2));
	assert_false(busrule_split(EMBXILADD, 1, 2));
	assert_false(busrule_split(EMBXILADD, 0, 1));
	assert_false(busrule_split(ETIMEDOUT, 0, 2));
}

/* Time-outs, CRC errors and broken replies: 1 + retries tries, each. */
static void
test_retries(void **state)
{
	int errs[] = { ETIMEDOUT, EMBBADCRC, EMBBADDATA }, i;

	for (i = 0; i < 3; i++) {
		start(SENSOR("a", 1, 0), answer_err);
		F.d.err = errs[i];
		poll_once();
		assert_int_equal(F.d.calls, 3);
		assert_int_equal(F.d.flushes, 3);
		assert_int_equal(F.d.nslept, 2);
		assert_true(F.d.slept[0] >= 0.01 && F.d.slept[0] < 0.02);
		assert_int_equal(F.ns, 1);
		assert_int_equal(F.s[0].flag, FLAG_COMM);
		teardown(state);
	}
	/* a refusal is an answer: no retry */
	start(SENSOR("a", 1, 0), answer_err);
	F.d.err = EMBXILADD;
	poll_once();
	assert_int_equal(F.d.calls, 1);
	assert_int_equal(F.s[0].flag, FLAG_FAULT);
}

/* Busy (06): tried again after a pause ten times longer. */
static void
test_busy_backs_off_longer(void **state)
{
	(void)state;
	start(SENSOR("a", 1, 0), answer_err);
	F.d.err = EMBXSBUSY;
	poll_once();
	assert_int_equal(F.d.calls, 3);
	assert_int_equal(F.d.nslept, 2);
	assert_true(F.d.slept[0] >= 0.1 && F.d.slept[0] < 0.2);
	assert_true(F.d.slept[1] >= 0.1 && F.d.slept[1] < 0.2);
}

/*
 * A bus costs what its devices need: the per-unit tables (256 units,
 * two bytes each) are not part of every bus, only of one whose unit
 * failed or refused a merged read (test_unit_down_one_try and
 * test_split_refused_merge use them). A thousand buses carried
 * 512 kB of them.
 */
static void
test_bus_size(void **state)
{
	(void)state;
	print_message("struct bus: %zu bytes\n", sizeof(struct bus));
	assert_true(sizeof(struct bus) < 1024);
}

/* A unit silent for UNIT_DOWN polls gets one try a poll until it answers. */
static void
test_unit_down_one_try(void **state)
{
	int poll, before;

	(void)state;
	start(SENSOR("a", 1, 0), answer_err);
	F.d.err = ETIMEDOUT;
	for (poll = 1; poll <= UNIT_DOWN; poll++) {
		before = F.d.calls;
		poll_once();
		assert_int_equal(F.d.calls - before, 3);
	}
	assert_int_equal(F.bus->unit_fails[1], UNIT_DOWN);
	before = F.d.calls;
	poll_once();
	assert_int_equal(F.d.calls - before, 1);
	F.d.err = 0;			/* back: answered at its one try */
	before = F.d.calls;
	poll_once();
	assert_int_equal(F.d.calls - before, 1);
	assert_int_equal(F.s[0].flag, FLAG_NORMAL);
	assert_int_equal(F.bus->unit_fails[1], 0);
	F.d.err = ETIMEDOUT;		/* full retries again */
	before = F.d.calls;
	poll_once();
	assert_int_equal(F.d.calls - before, 3);
}

/* No connection: tried again after 1, 2, 4, 8, 8 s (backoff_max 8 s). */
static void
test_reconnect_backoff(void **state)
{
	double want[] = { 1, 2, 4, 8, 8 }, wait;
	size_t i;

	(void)state;
	start(SENSOR("a", 1, 0), answer_err);
	F.d.connect_fail = 1;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		poll_once();
		assert_int_equal(F.d.connects, (int)i + 1);
		assert_true(F.bus->backoff == want[i]);
		wait = F.bus->retry_at - F.d.clock;
		assert_true(wait >= 0.75 * want[i] && wait <= 1.25 * want[i]);
		assert_int_equal(F.s[0].flag, FLAG_COMM);
		poll_once();		/* still backing off: not tried */
		assert_int_equal(F.d.connects, (int)i + 1);
		F.d.clock = F.bus->retry_at;
	}
	F.d.connect_fail = 0;
	poll_once();
	assert_true(F.bus->backoff == 0);
	assert_int_equal(F.s[0].flag, FLAG_NORMAL);
}

/* A device that refuses reads longer than one sensor's 2 registers. */
static int
answer_no_merge(struct dev *d, const struct plan_req *r)
{
	(void)d;
	return r->count > 2 ? EMBXILADD : 0;
}

/* A refused merged read is split: sensor by sensor, now and after. */
static void
test_split_refused_merge(void **state)
{
	(void)state;
	start(SENSOR("a", 1, 0) SENSOR("b", 1, 2), answer_no_merge);
	poll_once();
	assert_int_equal(F.d.calls, 3);		/* merged, then a and b */
	assert_true(F.bus->nomerge[1]);
	assert_int_equal(F.ns, 2);
	assert_int_equal(F.s[0].flag, FLAG_NORMAL);
	assert_int_equal(F.s[1].flag, FLAG_NORMAL);
	poll_once();
	assert_int_equal(F.d.calls, 5);
}

/*
 * The registers read are kept in a row per request of the plans made so
 * far, not in room for the worst plan (2.5 KiB a device, at a thousand
 * devices megabytes held for nothing).
 */
static void
test_regs_as_plans_need(void **state)
{
	(void)state;
	start(SENSOR("a", 1, 0) SENSOR("b", 1, 2) SENSOR("c", 1, 4),
	    answer_err);
	poll_once();
	assert_int_equal(F.d.calls, 1);		/* one merged read */
	assert_int_equal(F.ns, 3);
	assert_int_equal(F.s[2].flag, FLAG_NORMAL);
	assert_true(malloc_usable_size(F.bus->regs) <
	    2 * sizeof(*F.bus->regs));
}

/* Register 100 does not exist; the unit answers register 0. */
static int
answer_no_100(struct dev *d, const struct plan_req *r)
{
	(void)d;
	return r->addr == 100 ? EMBXILADD : 0;
}

/*
 * The polls among the next N in which register ADDR was asked for, as
 * a bit mask (bit 0: the first).
 */
static unsigned long
asked_in(int n, int addr)
{
	unsigned long m = 0;
	int poll, before;

	for (poll = 0; poll < n; poll++) {
		before = F.d.calls_at[addr];
		poll_once();
		if (F.d.calls_at[addr] != before)
			m |= 1UL << poll;
	}
	return m;
}

/* Put aside after REFUSED_OFF polls, asked again every REPROBE polls. */
static void
test_refused_register_put_aside(void **state)
{
	(void)state;
	start(SENSOR("a", 1, 0) SENSOR("b", 1, 100), answer_no_100);
	/* polls 1-3 asked, put aside; asked again at 13 and 23 */
	assert_int_equal(asked_in(25, 100),
	    1UL << 0 | 1UL << 1 | 1UL << 2 | 1UL << 12 | 1UL << 22);
	assert_int_equal(F.d.calls_at[0], 25);
	assert_true(F.bus->last[1].ref.disabled);
	assert_int_equal(F.s[1].flag, FLAG_FAULT);
}

/* A unit that refuses every read is put aside after NOT_READY_OFF. */
static void
test_not_ready_unit(void **state)
{
	unsigned long all = (1UL << NOT_READY_OFF) - 1;

	(void)state;
	start(SENSOR("a", 1, 0), answer_err);
	F.d.err = EMBXILADD;
	assert_int_equal(asked_in(NOT_READY_OFF + REPROBE, 0),
	    all | 1UL << (NOT_READY_OFF + REPROBE - 1));
	assert_true(F.bus->last[0].ref.disabled);
	F.d.err = 0;			/* ready now: back at its next try */
	asked_in(REPROBE, 0);
	assert_false(F.bus->last[0].ref.disabled);
	assert_int_equal(F.s[0].flag, FLAG_NORMAL);
	assert_int_equal(asked_in(3, 0), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_retry_pause),
		cmocka_unit_test(test_rule_backoff),
		cmocka_unit_test(test_rule_refusals),
		cmocka_unit_test_teardown(test_retries, teardown),
		cmocka_unit_test_teardown(test_busy_backs_off_longer,
		    teardown),
		cmocka_unit_test(test_bus_size),
		cmocka_unit_test_teardown(test_unit_down_one_try, teardown),
		cmocka_unit_test_teardown(test_reconnect_backoff, teardown),
		cmocka_unit_test_teardown(test_regs_as_plans_need, teardown),
		cmocka_unit_test_teardown(test_split_refused_merge,
		    teardown),
		cmocka_unit_test_teardown(test_refused_register_put_aside,
		    teardown),
		cmocka_unit_test_teardown(test_not_ready_unit, teardown),
	};

	log_init("test_bus", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
