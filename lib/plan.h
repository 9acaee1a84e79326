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
 * PLAN_MAX_REGS registers, across holes of up to MAX_HOLE registers,
 * except for units whose NOMERGE[unit] is set (NULL: none), whose
 * registers are read sensor by sensor (a device that refused a merged
 * read). Writes at most PLAN_PER_SENSOR * N requests to OUT (size it
 * so); returns the count.
 */
#define PLAN_PER_SENSOR	3
size_t	plan_build(const struct conf *c, const int *idx, size_t n,
	    int max_hole, const unsigned char *nomerge, struct plan_req *out);
/* 1 if request R covers register ADDR (>= 0) of SC's unit/function. */
int	plan_covers(const struct plan_req *r, const struct conf_sensor *sc,
	    int addr);
/* 1 if request R carries any register of sensor SC. */
int	plan_for_sensor(const struct plan_req *r, const struct conf_sensor *sc);

/*
 * Time requests R[0..N) take on bus B at the least: for RTU the frames on
 * the wire (8-byte request, 5 + 2 x count reply, each framed by 3.5
 * character times of silence, a character being start + data + parity +
 * stop bits) plus the configured gap before each; for TCP only the gaps.
 * In seconds.
 */
double	plan_wire_time(const struct conf_bus *b, const struct plan_req *r,
	    size_t n);

#endif
