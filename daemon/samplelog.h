/*
 * samplelog.h: the audit trail. Every sample, valid or not, appended to
 * <state_dir>/samples/<sensor>/<YYYY-MM>.csv (UTC months) as
 *	time,value,flag,raw,status
 *	2026-11-26T08:00:00Z,0.054,N,0.05408,1
 * time RFC 3339 UTC (the poll time, or the instrument's measurement time
 * when it has one); value as decoded (empty when none); flag the HJ 212
 * letter; raw before scale/offset; status the status word. The first
 * line of a file is that header. Reports are computed from these files.
 * A reading the instrument merely repeats (new_result) is not a sample.
 */
#ifndef LW_SAMPLELOG_H
#define LW_SAMPLELOG_H

#include "conf.h"
#include "sample.h"

#define SAMPLELOG_HEADER	"time,value,flag,raw,status\n"

struct samplelog;

/* A log for the sensors of C (which must outlive it). */
struct samplelog *samplelog_new(const struct conf *c);
void		  samplelog_free(struct samplelog *);
/*
 * Append S (of sensor index S->idx) as one line in one write(2), so a
 * crash never leaves half a line. 0, or -1 with err filled (the line is
 * not written; a partial write is cut back).
 */
int		  samplelog_append(struct samplelog *, const struct sample *s,
		    char err[LW_ERRLEN]);
/* fdatasync what was appended since the last call. */
void		  samplelog_sync(struct samplelog *);
/* The file of sensor NAME for month T into BUF. */
void		  samplelog_path(const struct conf *c, const char *name,
		    time_t t, char *buf, size_t len);

#endif
