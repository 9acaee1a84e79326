/*
 * thermo.c: Thermo TP/TN analyzers (3150 series, DOMAIN.md 3.2): TP at
 * 0x0000, TN at 0x0002, float32 ABCD; an int16 status word at 0x0041
 * (TP) and 0x0042 (TN) with the vendor's own codes.
 *
 * Verified against public driver code (Yimning/Daily-Code,
 * protocol/rtuacq_protocol_TPTN_Thermo.c), not a manual: the
 * addresses, the order and the codes of the table below (the code's
 * i12101 in brackets). Codes it calls "other" (2, 4, 5, 7, 9) and
 * those it does not name are D.
 */
#include "../lib/sample.h"
#include "driver.h"

static const struct status_code codes[] = {
	{ 0, FLAG_NORMAL },	/* idle (0) */
	{ 1, FLAG_NORMAL },	/* measuring (1) */
	{ 3, FLAG_CALIB },	/* calibration (5) */
	{ 6, FLAG_NORMAL },	/* cleaning (2): holds the last result */
	{ 8, FLAG_NORMAL },	/* cleaning (2) */
	{ 10, FLAG_FAULT },	/* fault (4) */
};

static char
status(uint16_t st)
{
	return decode_table(codes, sizeof(codes) / sizeof(codes[0]), st);
}

static void
defaults(struct conf_sensor *s)
{
	int tn = s->parameter == PARAM_TN;

	s->reg = tn ? 0x0002 : 0x0000;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_ABCD;
	s->status_reg = tn ? 0x0042 : 0x0041;
	s->status_map = STATUS_VENDOR;
}

const struct driver thermo_driver = {
	.name = "thermo-tptn",
	.desc = "Thermo TP/TN: TP 0x0000, TN 0x0002 float32 abcd",
	.defaults = defaults,
	.decode = decode_generic,
	.status = status,
};
