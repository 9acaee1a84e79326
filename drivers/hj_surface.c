/*
 * hj_surface.c: the national surface-water instrument protocol block
 * many Chinese TP/TN/NH3-N/CODMn analyzers share (DOMAIN.md 3.2,
 * "GJSurfaceWater"): value at 0x1008 as float32 CDAB, the vendor's
 * working state at 0x1083.
 *
 * Verified against public driver code (Yimning/Daily-Code,
 * protocol/rtuacq_protocol_zonglin_GJSurfaceWater.c), not a manual:
 * the value address and CDAB order (0x3233 0x4103 = 8.20); the state
 * is the 4th word of the 0x1080 x 17 read (reply byte 9), i.e. 0x1083,
 * with the codes of the table below (the code's i12101 in brackets).
 * 0x1085 holds an alarm code, 0x1089 the interval; BCD times are at
 * 0x10C8 and 0x10CB (which one is the measurement time is not said:
 * set time_register after a probe). Unknown: codes 3-8 and 11 up.
 */
#include "../lib/sample.h"
#include "driver.h"

static const struct status_code codes[] = {
	{ 0, FLAG_NORMAL },	/* idle (0) */
	{ 1, FLAG_NORMAL },	/* measuring (1) */
	{ 2, FLAG_CALIB },	/* standard check (6): a check result */
	{ 9, FLAG_CALIB },	/* calibration (5) */
	{ 10, FLAG_NORMAL },	/* cleaning (2): holds the last result */
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

const struct driver hj_surface_driver = {
	.name = "hj-surface",
	.desc = "national surface-water protocol: 0x1008 float32 cdab, "
	    "state 0x1083 (vendor codes)",
	.defaults = defaults,
	.decode = decode_generic,
	.status = status,
};
