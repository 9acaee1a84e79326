/* plan.h: which registers to read in which requests (pure) */
#ifndef LW_PLAN_H
#define LW_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define PLAN_MAX_REGS	125	/* registers one read may ask for */

struct plan_req {
	int		unit;
	int		function;	/* 0 holding (0x03), 1 input (0x04) */
	uint16_t	addr;
	uint16_t	count;
};

/*
 * Requests that read the registers of sensors IDX[0..N) of C: sensors
 * of one unit and function are merged into the fewest reads of at most
 * PLAN_MAX_REGS registers, across holes of up to MAX_HOLE registers.
 * Writes at most 2 * N requests to OUT (size it so); returns the count.
 */
size_t	plan_build(const struct conf *c, const int *idx, size_t n,
	    int max_hole, struct plan_req *out);
/* 1 if request R covers register ADDR of sensor SC's unit/function. */
int	plan_covers(const struct plan_req *r, const struct conf_sensor *sc,
	    int addr);

#endif
