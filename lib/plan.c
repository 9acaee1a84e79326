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

/*
 * The register spans sensor SC needs (value, status word, measurement
 * time), joined where they fit in one read. At most 3.
 */
static size_t
spans(const struct conf_sensor *sc, struct plan_req *out)
{
	int lo[3], hi[3], n = 0, i, j;
	size_t ns = 0;

	lo[n] = sc->reg;
	hi[n++] = sc->reg + conf_type_width(sc->type);
	if (sc->status_reg >= 0) {
		lo[n] = sc->status_reg;
		hi[n++] = sc->status_reg + 1;
	}
	if (sc->time_reg >= 0) {
		lo[n] = sc->time_reg;
		hi[n++] = sc->time_reg + (sc->time_type == TIME_BCD ? 3 : 2);
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < (int)ns; j++) {
			int a = lo[i] < out[j].addr ? lo[i] : out[j].addr;
			int e = out[j].addr + out[j].count;

			e = hi[i] > e ? hi[i] : e;
			if (e - a <= PLAN_MAX_REGS) {
				out[j].addr = (uint16_t)a;
				out[j].count = (uint16_t)(e - a);
				break;
			}
		}
		if (j == (int)ns)
			out[ns++] = (struct plan_req){ sc->unit, sc->function,
			    (uint16_t)lo[i], (uint16_t)(hi[i] - lo[i]) };
	}
	return ns;
}

size_t
plan_build(const struct conf *c, const int *idx, size_t n, int max_hole,
    const unsigned char *nomerge, struct plan_req *out)
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
		    (nomerge == NULL || !nomerge[out[i].unit]) &&
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
	return addr >= 0 && r->unit == sc->unit &&
	    r->function == sc->function && addr >= r->addr &&
	    addr < r->addr + r->count;
}

int
plan_for_sensor(const struct plan_req *r, const struct conf_sensor *sc)
{
	return plan_covers(r, sc, sc->reg) ||
	    plan_covers(r, sc, sc->status_reg) ||
	    plan_covers(r, sc, sc->time_reg);
}

double
plan_wire_time(const struct conf_bus *b, const struct plan_req *r, size_t n)
{
	double ch, t = 0;
	size_t i;

	ch = (1 + b->data_bits + (b->parity != 'N') + b->stop_bits) /
	    (double)b->baud;
	for (i = 0; i < n; i++) {
		t += b->gap;
		if (b->type == BUS_RTU)
			t += (8 + 5 + 2 * r[i].count + 2 * 3.5) * ch;
	}
	return t;
}
