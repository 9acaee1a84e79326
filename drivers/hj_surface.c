/*
 * hj_surface.c: the national surface-water instrument protocol block
 * many Chinese TP/TN/NH3-N/CODMn analyzers share (DOMAIN.md 3.2,
 * "GJSurfaceWater"): value at 0x1008 as float32 CDAB, working state
 * (i12101 codes) at 0x1080, measurement time at 0x1083 (BCD).
 *
 * Verified: value address and CDAB order (public driver code; 0x3233
 * 0x4103 = 8.20). Unverified against a manual: the status and time
 * offsets inside the 0x1080 block vary between vendors; override
 * status_register / time_register if a probe shows otherwise.
 */
#include "driver.h"

static void
defaults(struct conf_sensor *s)
{
	s->reg = 0x1008;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_CDAB;
	s->status_reg = 0x1080;
	s->status_map = STATUS_I12101;
}

const struct driver hj_surface_driver = {
	.name = "hj-surface",
	.desc = "national surface-water protocol: 0x1008 float32 cdab, "
	    "state 0x1080 (i12101)",
	.defaults = defaults,
	.decode = decode_generic,
};
