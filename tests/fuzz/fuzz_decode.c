/*
 * fuzz_decode.c: register decoding of every driver. The input's first
 * bytes make a [sensor] (type, word order, scale, offset, status map,
 * registers, range, time register), the rest are register words in one
 * or two blocks as a split read would deliver them. Each driver's
 * defaults are applied as conf.c does, then its decode runs.
 * Checked: decode is 0 or -1, and on 0 the flag is an HJ 212 letter,
 * a non-finite value is flagged D, and a value beyond range_max is
 * never flagged N.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/driver.h"
#include "../../lib/sample.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct in {
	const uint8_t	*p;
	size_t		 n;
};

static uint64_t
take(struct in *in, size_t k)
{
	uint64_t v = 0;

	while (k-- > 0) {
		v = v << 8 | (in->n > 0 ? *in->p : 0);
		if (in->n > 0) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

static double
take_double(struct in *in)
{
	uint64_t u = take(in, 8);
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static void
sensor(struct in *in, struct conf_sensor *s)
{
	static char name[] = "fuzz";
	uint8_t sel = (uint8_t)take(in, 1);

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->parameter = (enum parameter)(take(in, 1) % PARAM_COUNT);
	s->type = (enum reg_type)(sel % 5);
	s->order = (enum word_order)(sel / 5 % 4);
	s->status_map = (enum status_map)(sel / 20 % 3);
	s->time_type = (enum time_type)(sel / 60 % 2);
	s->reg = (int)take(in, 2);
	s->status_reg = (int)take(in, 2) - 1;		/* -1: none */
	s->time_reg = (int)take(in, 2) - 1;
	s->scale = take_double(in);
	s->offset = take_double(in);
	s->range_min = (sel & 0x80) ? take_double(in) : NAN;
	s->range_max = (sel & 0x40) ? take_double(in) : NAN;
	s->plausible_min = s->plausible_max = NAN;
	s->decimals = 3;
}

static int
known(char f)
{
	return f != '\0' && strchr("NCMDTBF", f) != NULL;
}

static void
check(const struct conf_sensor *s, const struct reading *r)
{
	if (!known(r->flag))
		abort();
	if (!isfinite(r->value) && r->flag != FLAG_FAULT)
		abort();
	if (!isnan(s->range_max) && isfinite(r->value) &&
	    r->value > s->range_max && r->flag == FLAG_NORMAL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct conf_sensor base, s;
	struct regblock b[2];
	struct reading r;
	uint16_t *regs;
	size_t nregs, split, i, k;
	int rc;

	sensor(&in, &base);
	b[0].base = (uint16_t)take(&in, 2);
	b[1].base = (uint16_t)take(&in, 2);
	split = (size_t)take(&in, 1);
	nregs = in.n / 2;
	if (nregs > 250)
		nregs = 250;
	/* an exact-size copy, so ASan sees any read past the block */
	if ((regs = malloc(nregs * sizeof(*regs) + 1)) == NULL)
		abort();
	for (i = 0; i < nregs; i++)
		regs[i] = (uint16_t)take(&in, 2);
	if (split > nregs)
		split = nregs;
	b[0].regs = regs;
	b[0].count = (uint16_t)split;
	b[0].next = split < nregs ? &b[1] : NULL;
	b[1].regs = regs + split;
	b[1].count = (uint16_t)(nregs - split);
	b[1].next = NULL;
	for (k = 0; drivers[k] != NULL; k++) {
		s = base;
		if (drivers[k]->defaults != NULL)
			drivers[k]->defaults(&s);
		s.driver = drivers[k];
		memset(&r, 0xa5, sizeof(r));
		rc = drivers[k]->decode(&s, b, &r);
		if (rc != 0 && rc != -1)
			abort();
		if (rc == 0)
			check(&s, &r);
	}
	free(regs);
	return 0;
}
