/*
 * yuxing.c: YuXing (宇星) TP analyzers, Hebei protocol variant
 * (DOMAIN.md 3.2): value at 0x1008 float32 CDAB, status at 0x1083 with
 * the vendor's own codes: 0 idle, 1 measuring, 2 cleaning, 8/9
 * calibration, 10 fault, 12-18 maintenance, 23 fault. Verified from
 * public driver code; the meaning of the other codes is unknown and
 * they are treated as faults.
 */
#include "../lib/sample.h"
#include "driver.h"

static void
defaults(struct conf_sensor *s)
{
	s->reg = 0x1008;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_CDAB;
	s->status_reg = 0x1083;
	s->status_map = STATUS_NONE;
}

static char
status_flag(uint16_t st)
{
	if (st <= 2)
		return FLAG_NORMAL;
	if (st == 8 || st == 9)
		return FLAG_CALIB;
	if (st >= 12 && st <= 18)
		return FLAG_MAINT;
	return FLAG_FAULT;
}

static int
decode(const struct conf_sensor *sc, const struct regblock *b,
    struct reading *out)
{
	if (decode_generic(sc, b, out) == -1)
		return -1;
	if (out->flag == FLAG_NORMAL && sc->status_reg >= 0)
		out->flag = status_flag(out->status);
	return 0;
}

const struct driver yuxing_driver = {
	.name = "yuxing-tp",
	.desc = "YuXing TP: 0x1008 float32 cdab, vendor status at 0x1083",
	.defaults = defaults,
	.decode = decode,
};
