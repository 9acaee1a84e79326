/* test_plan.c: coalescing sensor registers into few reads */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "../../lib/plan.h"

#define MAXS	130

static struct conf_sensor sens[MAXS];
static struct conf cf;
static int idx[MAXS];
static struct plan_req req[PLAN_PER_SENSOR * MAXS];

static int
setup(void **state)
{
	(void)state;
	memset(sens, 0, sizeof(sens));
	memset(&cf, 0, sizeof(cf));
	cf.sensors = sens;
	return 0;
}

/* Add a sensor with its value at REG; returns it for further keys. */
static struct conf_sensor *
add(int unit, int function, int reg, enum reg_type type)
{
	struct conf_sensor *s = &sens[cf.nsensor];

	s->unit = unit;
	s->function = function;
	s->reg = reg;
	s->type = type;
	s->status_reg = -1;
	s->time_reg = -1;
	s->range_min = s->range_max = NAN;
	s->plausible_min = s->plausible_max = NAN;
	idx[cf.nsensor] = (int)cf.nsensor;
	cf.nsensor++;
	return s;
}

static size_t
build(int max_hole, const unsigned char *nomerge)
{
	return plan_build(&cf, idx, cf.nsensor, max_hole, nomerge, req);
}

/* Every register each sensor needs is in some request, whole values whole. */
static void
check_complete(size_t nr)
{
	size_t i, j;
	int v, st;

	for (i = 0; i < cf.nsensor; i++) {
		v = st = 0;
		for (j = 0; j < nr; j++) {
			assert_in_range(req[j].count, 1, PLAN_MAX_REGS);
			v |= plan_covers(&req[j], &sens[i], sens[i].reg) &&
			    plan_covers(&req[j], &sens[i], sens[i].reg +
			    conf_type_width(sens[i].type) - 1);
			st |= plan_covers(&req[j], &sens[i],
			    sens[i].status_reg);
		}
		assert_true(v);
		assert_true(st || sens[i].status_reg < 0);
	}
}

static void
test_three_sensors_one_read(void **state)
{
	size_t nr;

	(void)state;
	add(1, 0, 0, TYPE_FLOAT32)->status_reg = 2;
	add(1, 0, 2, TYPE_UINT16);	/* the status word as a series */
	add(1, 0, 3, TYPE_FLOAT32);
	nr = build(8, NULL);
	assert_int_equal(nr, 1);
	assert_int_equal(req[0].unit, 1);
	assert_int_equal(req[0].function, 0);
	assert_int_equal(req[0].addr, 0);
	assert_int_equal(req[0].count, 5);
	check_complete(nr);
	assert_true(plan_for_sensor(&req[0], &sens[2]));
}

static void
test_hole(void **state)
{
	size_t nr;

	(void)state;
	add(1, 0, 0, TYPE_FLOAT32);
	add(1, 0, 10, TYPE_FLOAT32);	/* hole 2..9: 8 registers */
	nr = build(8, NULL);
	assert_int_equal(nr, 1);
	assert_int_equal(req[0].addr, 0);
	assert_int_equal(req[0].count, 12);
	nr = build(7, NULL);
	assert_int_equal(nr, 2);
	check_complete(nr);
	nr = build(0, NULL);
	assert_int_equal(nr, 2);
	assert_int_equal(req[0].count, 2);
	assert_int_equal(req[1].addr, 10);
}

static void
test_adjacent_no_hole(void **state)
{
	(void)state;
	add(1, 0, 4, TYPE_FLOAT32);
	add(1, 0, 6, TYPE_INT16);
	add(1, 0, 0, TYPE_FLOAT32);	/* out of order in the file */
	assert_int_equal(build(0, NULL), 2);
	assert_int_equal(req[0].addr, 0);
	assert_int_equal(req[0].count, 2);
	assert_int_equal(req[1].addr, 4);
	assert_int_equal(req[1].count, 3);
}

static void
test_max_regs(void **state)
{
	size_t nr, i, total = 0;
	int r;

	(void)state;
	for (r = 0; r < 250; r += 2)	/* 125 float32: 250 registers */
		add(1, 0, r, TYPE_FLOAT32);
	nr = build(8, NULL);
	assert_true(nr >= 3);
	for (i = 0; i < nr; i++) {
		assert_true(req[i].count <= PLAN_MAX_REGS);
		total += req[i].count;
	}
	assert_int_equal(total, 250);	/* nothing read twice */
	check_complete(nr);
}

static void
test_units_functions_apart(void **state)
{
	size_t nr, i;

	(void)state;
	add(1, 0, 0, TYPE_FLOAT32);
	add(2, 0, 2, TYPE_FLOAT32);
	add(1, 1, 4, TYPE_FLOAT32);	/* input registers */
	add(2, 1, 6, TYPE_FLOAT32);
	nr = build(124, NULL);
	assert_int_equal(nr, 4);
	for (i = 0; i < nr; i++)
		assert_int_equal(req[i].count, 2);
	check_complete(nr);
	for (i = 0; i < nr; i++)
		assert_int_equal(plan_for_sensor(&req[i], &sens[0]) +
		    plan_for_sensor(&req[i], &sens[1]) +
		    plan_for_sensor(&req[i], &sens[2]) +
		    plan_for_sensor(&req[i], &sens[3]), 1);
}

static void
test_status_far_away(void **state)
{
	size_t nr;

	(void)state;
	add(1, 0, 0x1205, TYPE_FLOAT32)->status_reg = 0x2000;
	nr = build(8, NULL);
	assert_int_equal(nr, 2);
	assert_int_equal(req[0].addr, 0x1205);
	assert_int_equal(req[0].count, 2);
	assert_int_equal(req[1].addr, 0x2000);
	assert_int_equal(req[1].count, 1);
	check_complete(nr);
	assert_true(plan_for_sensor(&req[1], &sens[0]));
	assert_false(plan_covers(&req[0], &sens[0], 0x2000));
}

static void
test_nomerge(void **state)
{
	unsigned char nomerge[256];
	size_t nr;

	(void)state;
	memset(nomerge, 0, sizeof(nomerge));
	nomerge[1] = 1;
	add(1, 0, 0, TYPE_FLOAT32);
	add(1, 0, 2, TYPE_FLOAT32);
	add(2, 0, 0, TYPE_FLOAT32);
	add(2, 0, 2, TYPE_FLOAT32);
	nr = build(8, nomerge);
	/* unit 1 sensor by sensor, unit 2 merged */
	assert_int_equal(nr, 3);
	check_complete(nr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_three_sensors_one_read, setup),
		cmocka_unit_test_setup(test_hole, setup),
		cmocka_unit_test_setup(test_adjacent_no_hole, setup),
		cmocka_unit_test_setup(test_max_regs, setup),
		cmocka_unit_test_setup(test_units_functions_apart, setup),
		cmocka_unit_test_setup(test_status_far_away, setup),
		cmocka_unit_test_setup(test_nomerge, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
