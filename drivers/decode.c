/* decode.c: word orders, integer types and status words, shared by drivers */
#include <math.h>
#include <string.h>
#include <time.h>

#include "../lib/sample.h"
#include "driver.h"

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
 *
 * A standard check or a calibration puts a check result, not water, in
 * the value register: C. HJ 212-2017 has no flag of its own for a check
 * (Table 8: N F M S D C T B); S is a manually entered value, which
 * reports count as valid (imported lab data), so a check is never S.
 * Only N counts in the daemon (sample_valid). Cleaning makes no result:
 * the register still holds the last one, which stays N.
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
	case STATUS_VENDOR:
		return FLAG_FAULT;	/* no table at hand: never valid */
	case STATUS_NONE:
	default:
		return FLAG_NORMAL;
	}
}

/*
 * A code the table does not name is one the cited code calls "other"
 * or does not know: D, so that it is never averaged and an operator
 * hears of it.
 */
char
decode_table(const struct status_code *t, size_t n, uint16_t code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].flag;
	return FLAG_FAULT;
}

static char
flag_of(const struct conf_sensor *sc, uint16_t st)
{
	if (sc->status_map != STATUS_VENDOR)
		return decode_status(sc->status_map, st);
	if (sc->driver == NULL || sc->driver->status == NULL)
		return FLAG_FAULT;
	return sc->driver->status(st);
}

int
decode_time_width(enum time_type t)
{
	return t == TIME_BCD ? 3 : 2;
}

static int
bcd(unsigned v)
{
	return (v >> 4) <= 9 && (v & 15) <= 9 ? (int)((v >> 4) * 10 +
	    (v & 15)) : -1;
}

int
decode_time(const struct regblock *b, int addr, enum time_type t,
    int64_t *out)
{
	uint16_t r[3];
	struct tm tm;
	int i, v[6];

	for (i = 0; i < decode_time_width(t); i++)
		if (decode_reg(b, addr + i, &r[i]) == -1)
			return -1;
	if (t == TIME_UNIX32) {
		*out = decode_u32(r[0], r[1], ORDER_ABCD);
		return 0;
	}
	for (i = 0; i < 6; i++)
		if ((v[i] = bcd(i % 2 ? r[i / 2] & 0xff : r[i / 2] >> 8)) < 0)
			return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 100 + v[0];
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || v[2] < 1 || v[2] > 31 ||
	    v[3] > 23 || v[4] > 59 || v[5] > 60)
		return -1;
	*out = (int64_t)timegm(&tm) - 8 * 3600;
	return 0;
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
	if (sc->time_reg >= 0 && decode_time(b, sc->time_reg, sc->time_type,
	    &out->mtime) == -1)
		out->mtime = 0;
	out->raw = raw;
	out->value = raw * sc->scale + sc->offset;
	out->flag = flag_of(sc, out->status);
	if (!isfinite(out->value))
		out->flag = FLAG_FAULT;
	else if (out->flag == FLAG_NORMAL && !conf_plausible(sc, out->value))
		out->flag = FLAG_FAULT;	/* water cannot have it: not a reading */
	else if (out->flag == FLAG_NORMAL && !isnan(sc->range_max) &&
	    out->value > sc->range_max)
		out->flag = FLAG_RANGE;
	else if (out->flag == FLAG_NORMAL && !isnan(sc->range_min) &&
	    out->value < sc->range_min)
		out->flag = FLAG_FAULT;
	return 0;
}
