/* plan.c: coalesce sensor registers into few reads */
#include <stdlib.h>

#include "plan.h"

static int
cmp_span(const void *a, const void *b)
{
	const struct plan_req *x = a, *y = b;

	if (x->unit != y->unit)
		return x->unit - y->unit;
	if (x->function != y->function)
		return x->function - y->function;
	return (int)x->addr - (int)y->addr;
}

/* The one or two register spans sensor SC needs, as requests. */
static size_t
spans(const struct conf_sensor *sc, struct plan_req *out)
{
	int lo = sc->reg, hi = sc->reg + conf_type_width(sc->type);
	int st = sc->status_reg;

	out[0] = (struct plan_req){ sc->unit, sc->function, (uint16_t)lo,
	    (uint16_t)(hi - lo) };
	if (st < 0)
		return 1;
	if ((st < lo ? hi - st : st + 1 - lo) <= PLAN_MAX_REGS) {
		lo = st < lo ? st : lo;
		hi = st + 1 > hi ? st + 1 : hi;
		out[0].addr = (uint16_t)lo;
		out[0].count = (uint16_t)(hi - lo);
		return 1;
	}
	out[1] = (struct plan_req){ sc->unit, sc->function, (uint16_t)st, 1 };
	return 2;
}

size_t
plan_build(const struct conf *c, const int *idx, size_t n, int max_hole,
    struct plan_req *out)
{
	size_t i, ns = 0, nr = 0;
	struct plan_req *cur;
	int end, hi;

	for (i = 0; i < n; i++)
		ns += spans(&c->sensors[idx[i]], out + ns);
	qsort(out, ns, sizeof(*out), cmp_span);
	for (i = 0; i < ns; i++) {
		cur = nr > 0 ? &out[nr - 1] : NULL;
		hi = out[i].addr + out[i].count;
		if (cur != NULL && cur->unit == out[i].unit &&
		    cur->function == out[i].function &&
		    out[i].addr <= cur->addr + cur->count + max_hole &&
		    (hi > cur->addr + cur->count ? hi : cur->addr +
		    cur->count) - cur->addr <= PLAN_MAX_REGS) {
			end = cur->addr + cur->count;
			if (hi > end)
				cur->count = (uint16_t)(hi - cur->addr);
			continue;
		}
		out[nr++] = out[i];
	}
	return nr;
}

int
plan_covers(const struct plan_req *r, const struct conf_sensor *sc, int addr)
{
	return r->unit == sc->unit && r->function == sc->function &&
	    addr >= r->addr && addr < r->addr + r->count;
}
