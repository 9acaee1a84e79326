/*
 * sondes.c: multiparameter sondes on buoys (DOMAIN.md 3.3). One sensor
 * is one parameter, so `register` still picks the slot.
 *
 * insitu: In-Situ Aqua/Level TROLL: holding registers, parameter blocks
 * of 7 registers at 37, 45, 53, ...: value float32 ABCD, then parameter
 * id, units id, data-quality id. The block at `register` is read; the
 * data-quality id (register + 4) is the status: 0 = good, anything else
 * is treated as a fault (unverified mapping, In-Situ protocol v5.10).
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
	s->status_map = STATUS_NONE;
}

static int
insitu_decode(const struct conf_sensor *sc, const struct regblock *b,
    struct reading *out)
{
	uint16_t q;

	if (decode_generic(sc, b, out) == -1)
		return -1;
	if (sc->status_reg >= 0 && decode_reg(b, sc->status_reg, &q) == 0 &&
	    q != 0 && out->flag == FLAG_NORMAL)
		out->flag = FLAG_FAULT;
	return 0;
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
	.decode = insitu_decode,
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
