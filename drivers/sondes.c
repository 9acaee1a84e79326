/*
 * sondes.c: multiparameter sondes on buoys (DOMAIN.md 3.3). One sensor
 * is one parameter, so `register` still picks the slot.
 *
 * insitu: In-Situ Aqua/Level TROLL: holding registers, parameter blocks
 * starting 8 registers apart at 37, 45, 53, ...; in each, the value
 * (float32 ABCD, +0), parameter id (+2), units id (+3), data-quality id
 * (+4) and a sentinel float (+5). Verified against public driver code
 * (neilh10/InsituModbus src/InsituModbus.h, after the In-Situ Modbus
 * protocol v5.10), not the manual. The block at `register` is read;
 * its data-quality id is the status: 0 = good (N), anything else D
 * (the meaning of the other ids is not in that code: unverified).
 *
 * yosemitech: Yosemitech Y5xx probes: the value float at 0x2602 after
 * the temperature float at 0x2600, byte-reversed (DCBA). The probe needs
 * "start measurement" (0x2500) written once after power-up, which
 * lakewatchd does not do: start it with the vendor tool.
 *
 * ysi-soa: YSI EXO Signal Output Adapter: 2 registers per parameter,
 * slots assigned on the SOA, decoded as DCBA (public code uses
 * libmodbus' dcba; unverified against the YSI guide).
 */
#include "../lib/sample.h"
#include "driver.h"

static void
insitu(struct conf_sensor *s)
{
	if (s->reg < 0)
		s->reg = 37;
	s->status_reg = s->reg + 4;	/* the block's data-quality id */
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_ABCD;
	s->status_map = STATUS_VENDOR;
}

static const struct status_code insitu_codes[] = {
	{ 0, FLAG_NORMAL },	/* good */
};

static char
insitu_status(uint16_t q)
{
	return decode_table(insitu_codes,
	    sizeof(insitu_codes) / sizeof(insitu_codes[0]), q);
}

static void
yosemitech(struct conf_sensor *s)
{
	s->reg = 0x2602;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_DCBA;
}

static void
ysi_soa(struct conf_sensor *s)
{
	s->reg = 397;
	s->function = 0;
	s->type = TYPE_FLOAT32;
	s->order = ORDER_DCBA;
}

const struct driver insitu_driver = {
	.name = "insitu",
	.desc = "In-Situ TROLL: parameter blocks at 37, 45, ... float32 abcd",
	.defaults = insitu,
	.decode = decode_generic,
	.status = insitu_status,
};

const struct driver yosemitech_driver = {
	.name = "yosemitech",
	.desc = "Yosemitech Y5xx: value 0x2602 float32 dcba",
	.defaults = yosemitech,
	.decode = decode_generic,
};

const struct driver ysi_soa_driver = {
	.name = "ysi-soa",
	.desc = "YSI EXO SOA: 2 registers per slot, float32 dcba",
	.defaults = ysi_soa,
	.decode = decode_generic,
};
