/* driver.h: register words -> value and data flag, one file per analyzer family */
#ifndef LW_DRIVER_H
#define LW_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/conf.h"

/* What a driver makes of one sensor's registers. */
struct reading {
	double		value;	/* engineering value; NAN if none */
	double		raw;	/* before scale and offset */
	uint16_t	status;	/* status word, 0 if none */
	char		flag;	/* FLAG_* of sample.h */
	int64_t		mtime;	/* measurement time of the result, 0 if none */
};

/*
 * Registers as read: regs[i] is the register at base + i; a sensor whose
 * registers came in two reads gets two blocks chained by next.
 */
struct regblock {
	const uint16_t		*regs;
	uint16_t		 base;
	uint16_t		 count;
	const struct regblock	*next;
};

/* One vendor status code and the HJ 212 flag a result read with it gets. */
struct status_code {
	uint16_t	code;
	char		flag;
};

struct driver {
	const char	*name;		/* matches "driver =" in lakewatch.conf */
	const char	*desc;		/* one line for `lakewatch check` */
	/*
	 * Fill in the driver's register layout before the [sensor] keys
	 * are applied (so a key can still override). NULL: generic.
	 */
	void		(*defaults)(struct conf_sensor *);
	/*
	 * Decode the sensor's value and status from BLOCK (which covers
	 * the sensor's registers). Pure: no I/O, no allocation. Returns 0,
	 * or -1 if the block does not cover the registers.
	 */
	int		(*decode)(const struct conf_sensor *,
			    const struct regblock *, struct reading *);
	/*
	 * The vendor's status word -> FLAG_* (status_map = vendor, which
	 * the driver's defaults set); NULL if the driver has no table.
	 */
	char		(*status)(uint16_t);
};

/* The driver called NAME, or NULL. */
const struct driver *driver_find(const char *name);
/* All drivers, NULL-terminated. */
extern const struct driver *const drivers[];

/* Shared helpers every driver decodes with (drivers/decode.c). */

/* Two registers as a float32 in the given word order. */
float	 decode_float32(uint16_t r0, uint16_t r1, enum word_order);
/* Two registers as a 32-bit integer in the given word order. */
uint32_t decode_u32(uint16_t r0, uint16_t r1, enum word_order);
/* The raw value of TYPE at ADDR in BLOCK; 0, or -1 if not covered. */
int	 decode_raw(const struct regblock *, int addr, enum reg_type,
	    enum word_order, double *out);
/* The register at ADDR in the chain of blocks; 0, or -1 if not covered. */
int	 decode_reg(const struct regblock *, int addr, uint16_t *out);
/*
 * The measurement time at ADDR: unix32 (ABCD) or bcd (3 registers
 * YYMM DDhh mmss in Beijing time, UTC+8). 0, or -1 if not covered or
 * not a valid time.
 */
int	 decode_time(const struct regblock *, int addr, enum time_type,
	    int64_t *out);
/* Registers a time of this type occupies. */
int	 decode_time_width(enum time_type);
/*
 * Map a status word to a data flag. STATUS_VENDOR needs the driver's
 * table: decode_generic goes through it, here it is D.
 */
char	 decode_status(enum status_map, uint16_t status);
/* The flag of CODE in TABLE (N entries); D if it is not there. */
char	 decode_table(const struct status_code *, size_t, uint16_t code);
/*
 * The decode every driver shares: value at sc->reg as sc->type in
 * sc->order, times scale plus offset; status word via sc->status_map;
 * NaN or Inf -> fault, outside the plausible range (conf_plausible) ->
 * fault, beyond range_max -> T, below range_min -> fault.
 */
int	 decode_generic(const struct conf_sensor *, const struct regblock *,
	    struct reading *);

#endif
