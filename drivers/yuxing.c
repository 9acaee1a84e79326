/*
 * yuxing.c: YuXing (宇星) TP analyzers, Hebei protocol variant
 * (DOMAIN.md 3.2): value at 0x1008 float32 CDAB, status at 0x1083 with
 * the vendor's own codes.
 *
 * Verified against public driver code (Yimning/Daily-Code,
 * protocol/rtuacq_protocol_zonglin_YuXing_HeBei.c), not a manual: the
 * addresses, the order and the codes of the table below (the code's
 * i12101 in brackets). Codes it calls "other" (3-7, 11) and those it
 * does not name are D. 0x1085 holds an alarm code, 0x1089 the
 * interval.
 */
#include "../lib/sample.h"
#include "driver.h"

static const struct status_code codes[] = {
	{ 0, FLAG_NORMAL },	/* idle (0) */
	{ 1, FLAG_NORMAL },	/* measuring (1) */
	{ 2, FLAG_CALIB },	/* standard check (6): a check result */
	{ 8, FLAG_CALIB },	/* calibration (5) */
	{ 9, FLAG_CALIB },
	{ 10, FLAG_NORMAL },	/* cleaning (2): holds the last result */
	{ 12, FLAG_MAINT },	/* maintenance (3), 12-18 */
	{ 13, FLAG_MAINT },
	{ 14, FLAG_MAINT },
	{ 15, FLAG_MAINT },
	{ 16, FLAG_MAINT },
	{ 17, FLAG_MAINT },
	{ 18, FLAG_MAINT },
	{ 19, FLAG_CALIB },	/* calibration (5), 19-22 */
	{ 20, FLAG_CALIB },
	{ 21, FLAG_CALIB },
	{ 22, FLAG_CALIB },
	{ 23, FLAG_FAULT },	/* fault (4) */
};

static char
status(uint16_t st)
{
	return decode_table(codes, sizeof(codes) / sizeof(codes[0]), st);
}

static void
defaults(struct conf_sensor *s)
{
	s->reg = 0x1008;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_CDAB;
	s->status_reg = 0x1083;
	s->status_map = STATUS_VENDOR;
}

const struct driver yuxing_driver = {
	.name = "yuxing-tp",
	.desc = "YuXing TP: 0x1008 float32 cdab, vendor status at 0x1083",
	.defaults = defaults,
	.decode = decode_generic,
	.status = status,
};
