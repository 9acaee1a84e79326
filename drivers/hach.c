/*
 * hach.c: Hach analyzers (DOMAIN.md 3.2).
 *
 * hach-amtax: the TP driver of the "Amtax Compact II" family: value at
 * 0x0000 as float32 CDAB (public driver: 85 20 3D 5D = 0.054 mg/L);
 * the working state at 0x0034, inside the 0x51-register info block
 * read from 0x0004 (reply byte 99 = word 48).
 *
 * hach-npw160: the NPW-160 TN/TP analyzer: TN at 0x0000, TP at 0x0002,
 * both float32 ABCD; a status bit field at 0x0047 (the second word of
 * the 0x0046 x 6 status/alarm block), the same word for TN and TP.
 *
 * Verified against public driver code (Yimning/Daily-Code,
 * protocol/rtuacq_protocol_zonglin_USAhaxi_Amtax_Compact_II.c and
 * protocol/rtuacq_protocol_others_TPTN_USAHaXi_NPW160.c), not a
 * manual: the addresses, the orders and the codes of the tables below
 * (the code's i12101 in brackets). Codes it calls "other" and those it
 * does not name are D. The Amtax interval code is at 0x000B.
 */
#include "../lib/sample.h"
#include "driver.h"

static const struct status_code amtax_codes[] = {
	{ 0, FLAG_NORMAL },	/* idle (0) */
	{ 2, FLAG_CALIB },	/* calibration (5) */
	{ 3, FLAG_NORMAL },	/* cleaning (2): holds the last result */
	{ 7, FLAG_MAINT },	/* maintenance (3) */
	{ 8, FLAG_FAULT },	/* fault (4) */
};

/*
 * NPW-160 bits in the order the public code tests them: the first set
 * bit decides (calibration and normal both set is calibration).
 */
static const struct status_code npw160_bits[] = {
	{ 0x01, FLAG_CALIB },	/* calibration (5) */
	{ 0x04, FLAG_NORMAL },	/* normal (0) */
	{ 0x08, FLAG_MAINT },	/* maintenance (3) */
	{ 0x02, FLAG_FAULT },	/* fault (4); details in 0x0048-0x004B */
};

static char
amtax_status(uint16_t st)
{
	return decode_table(amtax_codes,
	    sizeof(amtax_codes) / sizeof(amtax_codes[0]), st);
}

static char
npw160_status(uint16_t st)
{
	size_t i;

	if (st == 0)
		return FLAG_NORMAL;	/* idle (0) */
	for (i = 0; i < sizeof(npw160_bits) / sizeof(npw160_bits[0]); i++)
		if (st & npw160_bits[i].code)
			return npw160_bits[i].flag;
	return FLAG_FAULT;		/* other (99) */
}

static void
amtax(struct conf_sensor *s)
{
	s->reg = 0x0000;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_CDAB;
	s->status_reg = 0x0034;
	s->status_map = STATUS_VENDOR;
}

static void
npw160(struct conf_sensor *s)
{
	s->reg = s->parameter == PARAM_TN ? 0x0000 : 0x0002;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_ABCD;
	s->status_reg = 0x0047;
	s->status_map = STATUS_VENDOR;
}

const struct driver hach_amtax_driver = {
	.name = "hach-amtax",
	.desc = "Hach TP (Amtax Compact II family): 0x0000 float32 cdab, "
	    "state 0x0034",
	.defaults = amtax,
	.decode = decode_generic,
	.status = amtax_status,
};

const struct driver hach_npw160_driver = {
	.name = "hach-npw160",
	.desc = "Hach NPW-160 TN/TP: TN 0x0000, TP 0x0002 float32 abcd, "
	    "status bits 0x0047",
	.defaults = npw160,
	.decode = decode_generic,
	.status = npw160_status,
};
