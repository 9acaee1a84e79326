/*
 * hach.c: Hach analyzers (DOMAIN.md 3.2).
 *
 * hach-amtax: the TP driver of the "Amtax Compact II" family: value at
 * 0x0000 as float32 CDAB (public driver: 85 20 3D 5D = 0.054 mg/L);
 * a status word at 0x0004 (first word of the 0x51-register info block).
 * Unverified: the status word's codes; it is read as i12101.
 *
 * hach-npw160: the NPW-160 TN/TP analyzer: TN at 0x0000, TP at 0x0002,
 * both float32 ABCD; status/alarm words from 0x0046 (unverified codes;
 * read as i12101).
 */
#include "driver.h"

static void
amtax(struct conf_sensor *s)
{
	s->reg = 0x0000;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_CDAB;
	s->status_reg = 0x0004;
	s->status_map = STATUS_I12101;
}

static void
npw160(struct conf_sensor *s)
{
	s->reg = s->parameter == PARAM_TN ? 0x0000 : 0x0002;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_ABCD;
	s->status_reg = 0x0046;
	s->status_map = STATUS_I12101;
}

const struct driver hach_amtax_driver = {
	.name = "hach-amtax",
	.desc = "Hach TP (Amtax Compact II family): 0x0000 float32 cdab",
	.defaults = amtax,
	.decode = decode_generic,
};

const struct driver hach_npw160_driver = {
	.name = "hach-npw160",
	.desc = "Hach NPW-160 TN/TP: TN 0x0000, TP 0x0002 float32 abcd",
	.defaults = npw160,
	.decode = decode_generic,
};
