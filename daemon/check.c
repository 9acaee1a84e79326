/* check.c: the read plan and bus-time budget of a config, for people */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "log.h"
#include "plan.h"

/*
 * The estimated bus time of a cycle (all sensors due at once) against
 * the shortest interval on the bus. Returns 1 if it does not fit.
 */
static int
print_budget(const struct conf *c, size_t b, const int *idx, size_t n,
    const struct plan_req *reqs, size_t nr, FILE *fp)
{
	const struct conf_bus *cb = &c->buses[b];
	double t = plan_wire_time(cb, reqs, nr);
	int iv = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (iv == 0 || c->sensors[idx[i]].interval < iv)
			iv = c->sensors[idx[i]].interval;
	if (n == 0)
		return 0;
	if (cb->type == BUS_RTU)
		fprintf(fp, "  estimated bus time per cycle: %.1f ms (%d baud "
		    "%d%c%d, gap %g ms) of %d s: %.1f %%\n", t * 1000,
		    cb->baud, cb->data_bits, cb->parity, cb->stop_bits,
		    cb->gap * 1000, iv, 100 * t / iv);
	else
		fprintf(fp, "  estimated bus time per cycle: %.1f ms of gaps plus "
		    "%zu round trips, of %d s\n", t * 1000, nr, iv);
	/* every try of every request may time out: the worst case */
	if (t > iv) {
		fprintf(fp, "  WARNING: the plan needs more than the interval\n");
		return 1;
	}
	if (t + nr * cb->timeout * (1 + cb->retries) > iv)
		fprintf(fp, "  note: with every device timing out a cycle would "
		    "take %.1f s\n", t + nr * cb->timeout * (1 + cb->retries));
	return 0;
}

int
check_report(const struct conf *c, FILE *fp)
{
	struct plan_req *reqs;
	int *idx, warned = 0;
	size_t b, i, n, nr;

	if ((idx = calloc(c->nsensor + 1, sizeof(*idx))) == NULL ||
	    (reqs = calloc(PLAN_PER_SENSOR * c->nsensor + 1, sizeof(*reqs))) == NULL)
		fatal("plan");
	for (b = 0; b < c->nbus; b++) {
		for (i = n = 0; i < c->nsensor; i++)
			if (c->sensors[i].bus == (int)b)
				idx[n++] = (int)i;
		nr = plan_build(c, idx, n, c->buses[b].merge_hole, NULL, reqs);
		fprintf(fp, "bus '%s': %zu sensors, %zu requests per cycle\n",
		    c->buses[b].name, n, nr);
		for (i = 0; i < nr; i++)
			fprintf(fp, "  unit %d fc 0x%02x registers %d-%d (%d)\n",
			    reqs[i].unit, reqs[i].function ? 4 : 3,
			    (int)reqs[i].addr,
			    (int)reqs[i].addr + reqs[i].count - 1,
			    (int)reqs[i].count);
		warned += print_budget(c, b, idx, n, reqs, nr, fp);
	}
	free(idx);
	free(reqs);
	return warned;
}

