/*
 * samplelog.h: the audit trail. Every sample, valid or not, appended to
 * <state_dir>/samples/<sensor>/<YYYY-MM>.csv (UTC months) as
 *	time,value,flag,raw,status
 *	2026-11-26T08:00:00Z,0.054,N,0.05408,1
 * time RFC 3339 UTC (the poll time, or the instrument's measurement time
 * when it has one); value as decoded (empty when none); flag the HJ 212
 * letter; raw before scale/offset; status the status word. The first
 * line of a file is that header. Reports are computed from these files,
 * read back by samplelog_scan (samplelog_read.c).
 * A reading the instrument merely repeats (new_result) is not a sample.
 *
 * A row that cannot be written (a full disk) is held in memory, up to
 * sample_buffer rows of all sensors, and written in order when the file
 * takes rows again. Rows beyond that are lost: counted, and recorded in
 * <state_dir>/samples/<sensor>/<YYYY-MM>.lost (the month of the row) as
 *	first,last,rows
 *	2026-11-26T08:00:00Z,2026-11-26T08:59:59Z,3600
 * one line per UTC hour with losses, written once there is room again.
 */
#ifndef LW_SAMPLELOG_H
#define LW_SAMPLELOG_H

#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "sample.h"

#define SAMPLELOG_HEADER	"time,value,flag,raw,status\n"
#define SAMPLELOG_LOST_HEADER	"first,last,rows\n"

struct samplelog;

/* A log for the sensors of C (which must outlive it). */
struct samplelog *samplelog_new(const struct conf *c);
void		  samplelog_free(struct samplelog *);
/*
 * Append S (of sensor index S->idx) as one line in one write(2), so a
 * crash never leaves half a line (a partial write is cut back). 0, or -1
 * with err filled: the line is held, or lost if the buffer is full.
 * Failures and the end of them are logged here, once per sensor.
 */
int		  samplelog_append(struct samplelog *, const struct sample *s,
		    char err[LW_ERRLEN]);
/* Write the rows held, and the records of rows lost. Once a second. */
void		  samplelog_retry(struct samplelog *);
/* Rows held now; rows lost so far. */
void		  samplelog_stats(const struct samplelog *, size_t *held,
		    uint64_t *dropped);
/* Take over the rows OLD holds for sensors of the same name (reload). */
void		  samplelog_adopt(struct samplelog *, struct samplelog *old);
/* fdatasync what was appended since the last call. */
void		  samplelog_sync(struct samplelog *);
/* The file of sensor NAME for month T into BUF. */
void		  samplelog_path(const struct conf *c, const char *name,
		    time_t t, char *buf, size_t len);
/* The record of rows of sensor NAME lost in month T into BUF. */
void		  samplelog_lost_path(const struct conf *c, const char *name,
		    time_t t, char *buf, size_t len);


/* --- reading (samplelog_read.c) -------------------------------------- */

/* A row of a sample log (or of an import file). */
struct samplelog_row {
	time_t	t;
	double	value;		/* NAN if empty */
	char	flag;		/* HJ 212 letter */
};

/*
 * The directory of sensor NAME's sample log, below the state directory
 * (no symlink followed): its fd; -2 if there is none yet (no error);
 * -1 with err filled.
 */
int		  samplelog_dir_open(const struct conf *c, const char *name,
		    char err[LW_ERRLEN]);
/* 1 if FLAG is one of the HJ 212-2017 letters N F M S D C T B. */
int		  samplelog_flag_known(char flag);
/*
 * Call FN for every row of sensor NAME's sample log with FROM <= t < TO
 * (the UTC month files that cover it, in file order). Missing files are
 * no error. A line that is not a sample (torn, edited, a NUL in it; the
 * header excepted) is skipped and named with log_warnx: the file, how
 * many, the first line numbers. 0, or -1 with err filled.
 */
int		  samplelog_scan(const struct conf *c, const char *name,
		    time_t from, time_t to,
		    void (*fn)(void *, const struct samplelog_row *),
		    void *arg, char err[LW_ERRLEN]);
/*
 * The latest row of sensor NAME with FROM <= t < TO into *R: 1, 0 if
 * none, -1 with err filled. Reads the tail of the month file of TO (real
 * time data every few seconds must not read a month each time) and
 * falls back to samplelog_scan when the tail cannot tell.
 */
int		  samplelog_last(const struct conf *c, const char *name,
		    time_t from, time_t to, struct samplelog_row *r,
		    char err[LW_ERRLEN]);
/*
 * LINE of LEN bytes (as getline(3) gives it) into *R: 0, or -1 if it is
 * not a sample (a NUL in it, torn, a header). Cuts LINE at its end.
 */
int		  samplelog_parse_line(char *line, size_t len,
		    struct samplelog_row *r);
/* log_warnx that N lines of PATH were skipped, the first SHOWN in LINE. */
void		  samplelog_say_skipped(const char *path, int n,
		    const int *line, int shown);
/*
 * Call FN for every record of rows lost (the .lost files of the UTC
 * months that cover FROM..TO) whose first row has FROM <= first < TO;
 * ROWS is how many. Missing files are no error. 0, or -1 with err filled.
 */
int		  samplelog_scan_lost(const struct conf *c, const char *name,
		    time_t from, time_t to,
		    void (*fn)(void *, time_t first, long rows), void *arg,
		    char err[LW_ERRLEN]);

#endif
