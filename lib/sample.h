/* sample.h: what flows from a bus to the core: one reading of one sensor */
#ifndef LW_SAMPLE_H
#define LW_SAMPLE_H

#include <stdint.h>
#include <time.h>

#define LW_NAME_MAX	64

/*
 * HJ 212-2017 data flags (DOMAIN.md 2.4). Only N is valid for storage,
 * statistics and threshold judging; the rest are kept in the sample log.
 */
#define FLAG_NORMAL	'N'	/* instrument working normally */
#define FLAG_CALIB	'C'	/* calibration in progress */
#define FLAG_MAINT	'M'	/* maintenance */
#define FLAG_FAULT	'D'	/* instrument fault (also NaN/Inf, exception 04) */
#define FLAG_RANGE	'T'	/* above the measuring range */
#define FLAG_COMM	'B'	/* logger <-> instrument communication failed */
#define FLAG_STOPPED	'F'	/* instrument stopped */

/* A reading as decoded; owns no pointers, so it can be copied freely. */
struct sample {
	char		sensor[LW_NAME_MAX];
	int		idx;	/* index in the conf it was read with (a hint) */
	time_t		t;	/* scheduled poll time, UTC, whole seconds */
	double		value;	/* engineering value; NAN if none */
	double		raw;	/* value before scale/offset; NAN if none */
	uint16_t	status;	/* status word as read, 0 if none */
	char		flag;	/* FLAG_* */
	char		fresh;	/* 1: a new result of the instrument, not
				   the last one read again (new_result) */
	int64_t		mtime;	/* measurement time, if the device has one */
	/*
	 * The device refused the registers (exception 01/02/03): the
	 * config asks for something it does not have (or not yet). Flagged
	 * D for the audit trail, but a config error, not an instrument
	 * fault: no fault alert.
	 */
	uint8_t		refused;	/* the exception code; 0 if none */
	uint16_t	ref_addr;	/* the first register refused */
	uint16_t	ref_count;	/* how many */
};

/* 1 if the flag makes a value usable for storage and judging. */
static inline int
sample_valid(const struct sample *s)
{
	return s->flag == FLAG_NORMAL;
}

#endif
