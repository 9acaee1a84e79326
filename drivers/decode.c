/* decode.c: word orders, integer types and status words, shared by drivers */
#include <math.h>
#include <string.h>

#include "driver.h"
#include "../daemon/sample.h"

static uint16_t
swap16(uint16_t r)
{
	return (uint16_t)(r << 8 | r >> 8);
}

/*
 * A is the most significant byte of the IEEE 754 value: "abcd" puts
 * A B in the first register, "cdab" swaps the words, "badc" swaps the
 * bytes of each word and "dcba" reverses all four bytes.
 */
uint32_t
decode_u32(uint16_t r0, uint16_t r1, enum word_order o)
{
	switch (o) {
	case ORDER_CDAB:
		return (uint32_t)r1 << 16 | r0;
	case ORDER_BADC:
		return (uint32_t)swap16(r0) << 16 | swap16(r1);
	case ORDER_DCBA:
		return (uint32_t)swap16(r1) << 16 | swap16(r0);
	case ORDER_ABCD:
	default:
		return (uint32_t)r0 << 16 | r1;
	}
}

float
decode_float32(uint16_t r0, uint16_t r1, enum word_order o)
{
	uint32_t u = decode_u32(r0, r1, o);
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

int
decode_reg(const struct regblock *b, int addr, uint16_t *out)
{
	for (; b != NULL; b = b->next)
		if (addr >= b->base && addr < b->base + b->count) {
			*out = b->regs[addr - b->base];
			return 0;
		}
	return -1;
}

int
decode_raw(const struct regblock *b, int addr, enum reg_type t,
    enum word_order o, double *out)
{
	uint16_t r0, r1 = 0;

	if (decode_reg(b, addr, &r0) == -1)
		return -1;
	if (conf_type_width(t) == 2 && decode_reg(b, addr + 1, &r1) == -1)
		return -1;
	switch (t) {
	case TYPE_FLOAT32:
		*out = decode_float32(r0, r1, o);
		break;
	case TYPE_INT16:
		*out = (int16_t)r0;
		break;
	case TYPE_UINT16:
		*out = r0;
		break;
	case TYPE_INT32:
		*out = (int32_t)decode_u32(r0, r1, o);
		break;
	case TYPE_UINT32:
		*out = decode_u32(r0, r1, o);
		break;
	}
	return 0;
}

/*
 * i12101 (HJ 212-2017 App. B working state): 0 idle, 1 measuring,
 * 2 cleaning, 3 maintenance, 4 fault, 5 calibration, 6 standard check.
 * ASCII: the register holds the flag letter itself (0x004E = 'N').
 */
char
decode_status(enum status_map m, uint16_t st)
{
	switch (m) {
	case STATUS_I12101:
		switch (st) {
		case 0: case 1: case 2:
			return FLAG_NORMAL;
		case 3:
			return FLAG_MAINT;
		case 4:
			return FLAG_FAULT;
		case 5: case 6:
			return FLAG_CALIB;
		default:
			return FLAG_FAULT;
		}
	case STATUS_ASCII:
		st &= 0xff;
		if (st == 'c' || st == 'C')
			return FLAG_CALIB;
		if (strchr("NMDTBF", st) != NULL && st != 0)
			return (char)st;
		return FLAG_FAULT;
	case STATUS_NONE:
	default:
		return FLAG_NORMAL;
	}
}

int
decode_generic(const struct conf_sensor *sc, const struct regblock *b,
    struct reading *out)
{
	double raw;

	memset(out, 0, sizeof(*out));
	out->value = out->raw = NAN;
	if (decode_raw(b, sc->reg, sc->type, sc->order, &raw) == -1)
		return -1;
	if (sc->status_reg >= 0 &&
	    decode_reg(b, sc->status_reg, &out->status) == -1)
		return -1;
	out->raw = raw;
	out->value = raw * sc->scale + sc->offset;
	out->flag = decode_status(sc->status_map, out->status);
	if (!isfinite(out->value))
		out->flag = FLAG_FAULT;
	else if (out->flag == FLAG_NORMAL && !isnan(sc->range_max) &&
	    out->value > sc->range_max)
		out->flag = FLAG_RANGE;
	else if (out->flag == FLAG_NORMAL && !isnan(sc->range_min) &&
	    out->value < sc->range_min)
		out->flag = FLAG_FAULT;
	return 0;
}
