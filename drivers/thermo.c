/*
 * thermo.c: Thermo TP/TN analyzers (3150 series, DOMAIN.md 3.2): TP at
 * 0x0000, TN at 0x0002, float32 ABCD; int16 status words at 0x0041 (TP)
 * and 0x0042 (TN). Unverified: the status codes; read as i12101.
 */
#include "driver.h"

static void
defaults(struct conf_sensor *s)
{
	int tn = s->parameter == PARAM_TN;

	s->reg = tn ? 0x0002 : 0x0000;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_ABCD;
	s->status_reg = tn ? 0x0042 : 0x0041;
	s->status_map = STATUS_I12101;
}

const struct driver thermo_driver = {
	.name = "thermo-tptn",
	.desc = "Thermo TP/TN: TP 0x0000, TN 0x0002 float32 abcd",
	.defaults = defaults,
	.decode = decode_generic,
};
