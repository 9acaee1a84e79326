/*
 * rrdfile.c: the sensors' RRD files: layout, checking, migrating, and
 * librrd as a store_ops backend
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <rrd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rrdfile.h"

#define MAX_RRA		(RRDFILE_ARGS - 1)

/* librrd's message for the last failed call, which is then cleared. */
static int
rrd_fail(char err[LW_ERRLEN], const char *what, const char *path)
{
	snprintf(err, LW_ERRLEN, "%s %s: %s", what, path, rrd_get_error());
	rrd_clear_error();
	return STORE_EFILE;
}


struct layout {
	time_t		 last;		/* last update */
	unsigned long	 step, heartbeat;
	double		 min;		/* NAN: none */
	int		 nrra;
	struct {
		char		cf[16];
		unsigned long	per, rows;
	} rra[MAX_RRA];
};

int
rrdfile_args(const struct conf_sensor *s, char args[][64], int max)
{
	int neg = s->parameter == PARAM_TEMP || s->range_min < 0;

	snprintf(args[0], 64, "DS:value:GAUGE:%d:%s:U", 2 * s->interval,
	    neg ? "U" : "0");
	return 1 + rrdfile_rra_args(s, args + 1, max - 1);
}

static void
layout_want(const struct conf_sensor *s, struct layout *l)
{
	char args[MAX_RRA + 1][64];
	int n, i;

	memset(l, 0, sizeof(*l));
	l->step = (unsigned long)s->interval;
	l->heartbeat = 2UL * (unsigned long)s->interval;
	l->min = s->parameter == PARAM_TEMP || s->range_min < 0 ? NAN : 0;
	n = rrdfile_args(s, args, MAX_RRA + 1);
	for (i = 1; i < n; i++)
		if (sscanf(args[i], "RRA:%15[A-Z]:%*f:%lu:%lu",
		    l->rra[l->nrra].cf, &l->rra[l->nrra].per,
		    &l->rra[l->nrra].rows) == 3)
			l->nrra++;
}

static void
layout_key(struct layout *l, const rrd_info_t *p)
{
	char field[32];
	int i;

	if (strcmp(p->key, "step") == 0)
		l->step = p->value.u_cnt;
	else if (strcmp(p->key, "last_update") == 0)
		l->last = (time_t)p->value.u_cnt;
	else if (strcmp(p->key, "ds[value].minimal_heartbeat") == 0)
		l->heartbeat = p->value.u_cnt;
	else if (strcmp(p->key, "ds[value].min") == 0)
		l->min = p->value.u_val;
	else if (sscanf(p->key, "rra[%d].%31s", &i, field) == 2 && i >= 0 &&
	    i < MAX_RRA) {
		if (i >= l->nrra)
			l->nrra = i + 1;
		if (strcmp(field, "cf") == 0)
			snprintf(l->rra[i].cf, sizeof(l->rra[i].cf), "%s",
			    p->value.u_str);
		else if (strcmp(field, "rows") == 0)
			l->rra[i].rows = p->value.u_cnt;
		else if (strcmp(field, "pdp_per_row") == 0)
			l->rra[i].per = p->value.u_cnt;
	}
}

static void
layout_read(struct layout *l, const rrd_info_t *info)
{
	memset(l, 0, sizeof(*l));
	l->min = NAN;
	for (; info != NULL; info = info->next)
		layout_key(l, info);
}

/* 0 if HAVE is WANT, else 1 with what differs in why. */
static int
layout_differs(const struct layout *want, const struct layout *have,
    char why[LW_ERRLEN])
{
	int i;

	if (have->step != want->step) {
		snprintf(why, LW_ERRLEN, "step %lu s, not %lu s", have->step,
		    want->step);
		return 1;
	}
	if (have->heartbeat != want->heartbeat ||
	    isnan(have->min) != isnan(want->min)) {
		snprintf(why, LW_ERRLEN, "another data source definition");
		return 1;
	}
	for (i = 0; i < want->nrra && i < have->nrra; i++)
		if (strcmp(have->rra[i].cf, want->rra[i].cf) != 0 ||
		    have->rra[i].per != want->rra[i].per ||
		    have->rra[i].rows != want->rra[i].rows)
			break;
	if (i < want->nrra || have->nrra != want->nrra) {
		snprintf(why, LW_ERRLEN, "another archive set (%d archives, "
		    "not %d)", have->nrra, want->nrra);
		return 1;
	}
	return 0;
}

/* 1 if PATH can be opened and read: librrd's complaint is about it. */
static int
readable(const char *path)
{
	char b;
	int fd, ok;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	ok = pread(fd, &b, 1, 0) != -1;
	close(fd);
	return ok;
}

int
rrdfile_probe(void *be, const struct conf_sensor *s, const char *path,
    char why[LW_ERRLEN])
{
	struct layout want, have;
	struct stat sb;
	rrd_info_t *info;

	(void)be;
	if (stat(path, &sb) == -1) {
		snprintf(why, LW_ERRLEN, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? PROBE_MISSING : PROBE_ERROR;
	}
	rrd_clear_error();
	if ((info = rrd_info_r(path)) == NULL) {
		snprintf(why, LW_ERRLEN, "%s", rrd_get_error());
		rrd_clear_error();
		return S_ISREG(sb.st_mode) && readable(path) ? PROBE_BAD :
		    PROBE_ERROR;
	}
	layout_want(s, &want);
	layout_read(&have, info);
	rrd_info_free(info);
	return layout_differs(&want, &have, why) ? PROBE_CHANGED : PROBE_OK;
}

int
rrdfile_probe_info(const struct conf_sensor *s, const rrd_info_t *info,
    char why[LW_ERRLEN])
{
	struct layout want, have;

	layout_want(s, &want);
	layout_read(&have, info);
	return layout_differs(&want, &have, why) ? PROBE_CHANGED : PROBE_OK;
}

/* ---- librrd directly --------------------------------------------- */

static int
direct_open(void *be, char err[LW_ERRLEN])
{
	(void)be;
	(void)err;
	return STORE_OK;
}

static void
direct_close(void *be)
{
	(void)be;
}

/*
 * Bytes a file of ARGV takes, roughly: 8 per row of each RRA (one data
 * source) and the headers.
 */
static off_t
create_size(int argc, const char **argv)
{
	unsigned long rows;
	off_t size = 4096;
	int i;

	for (i = 0; i < argc; i++)
		if (sscanf(argv[i], "RRA:%*[A-Z]:%*f:%*u:%lu", &rows) == 1)
			size += (off_t)rows * 8 + 64;
	return size;
}

/*
 * librrd 1.7 says nothing when it cannot write a new file (a full disk:
 * its fwrite fails, it unlinks its temporary file, which leaves errno at
 * ENOENT). Find the reason by doing what it did: make a file of that size
 * beside PATH.
 */
static void
create_why(const char *path, off_t size, char *buf, size_t len)
{
	char tmp[PATH_MAX];
	int fd, e;

	snprintf(tmp, sizeof(tmp), "%s.whyXXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(buf, len, "%s", strerror(errno));
		return;
	}
	e = posix_fallocate(fd, 0, size);
	close(fd);
	unlink(tmp);
	snprintf(buf, len, "%s", e != 0 ? strerror(e) :
	    "librrd gave no reason");
}

static int
direct_create(void *be, const char *path, unsigned long step, time_t start,
    const char *src, int argc, const char **argv, char err[LW_ERRLEN])
{
	const char *sources[2] = { src, NULL };
	char why[128];

	(void)be;
	rrd_clear_error();
	if (rrd_create_r2(path, step, start, 0, src != NULL ? sources : NULL,
	    NULL, argc, argv) == 0)
		return STORE_OK;
	if (*rrd_get_error() != '\0')
		return rrd_fail(err, "create", path);
	create_why(path, create_size(argc, argv), why, sizeof(why));
	snprintf(err, LW_ERRLEN, "create %s: %s", path, why);
	return STORE_EFILE;
}

static int
direct_update(void *be, const char *path, int n, const char **vals,
    char err[LW_ERRLEN])
{
	(void)be;
	rrd_clear_error();
	if (rrd_update_r(path, "value", n, vals) != 0)
		return rrd_fail(err, "update", path);
	return STORE_OK;
}

static int
direct_last(void *be, const char *path, time_t *t, char err[LW_ERRLEN])
{
	(void)be;
	rrd_clear_error();
	if ((*t = rrd_last_r(path)) == -1)
		return rrd_fail(err, "last", path);
	return STORE_OK;
}

static int
direct_nop(void *be, const char *path, char err[LW_ERRLEN])
{
	(void)be;
	(void)path;
	(void)err;
	return STORE_OK;
}

const struct store_ops rrdfile_ops = {
	.name = "librrd", .open = direct_open, .close = direct_close,
	.probe = rrdfile_probe, .create = direct_create,
	.update = direct_update, .last = direct_last, .flush = direct_nop,
	.forget = direct_nop, .now = NULL, .durable = 1
};


/* ---- migrating ---------------------------------------------------- */

/*
 * Where a migration starts the new file: the old file's last update less
 * what its finest archive holds (no more than the new one's finest
 * holds), on the new step's grid. rrd_create prefills the rows up to
 * there from the old file; the store feeds it the old finest rows after
 * that, which rrdtool 1.7.2's prefill would only approximate from coarser
 * archives (or leave empty) when the step changes. Sets *LAST to the old
 * file's last update; -1 if it cannot tell.
 */
time_t
rrdfile_migrate_start(const char *old, const struct conf_sensor *s, time_t *last)
{
	struct layout have, want;
	rrd_info_t *info;
	time_t w = 0, t;
	int i;

	rrd_clear_error();
	if ((info = rrd_info_r(old)) == NULL) {
		rrd_clear_error();
		return -1;
	}
	layout_read(&have, info);
	rrd_info_free(info);
	layout_want(s, &want);
	for (i = 0; i < have.nrra; i++)
		if (strcmp(have.rra[i].cf, "AVERAGE") == 0 && (w == 0 ||
		    (time_t)(have.rra[i].rows * have.rra[i].per) * (time_t)
		    have.step < w))
			w = (time_t)(have.rra[i].rows * have.rra[i].per *
			    have.step);
	if (want.nrra > 0 && (time_t)(want.rra[0].rows * want.step) < w)
		w = (time_t)(want.rra[0].rows * want.step);
	*last = have.last;
	/* inside the finest archive, or rrd_fetch picks a coarser one */
	t = have.last - w + 2 * (time_t)(have.step + want.step);
	t += ((time_t)want.step - t % (time_t)want.step) % (time_t)want.step;
	return t > 315360000 && t < have.last ? t : -1;	/* after 1980 */
}


int
rrdfile_rows(const char *old, time_t start, time_t last,
    int (*fn)(void *arg, time_t t, double v, char err[LW_ERRLEN]),
    void *arg, char err[LW_ERRLEN])
{
	unsigned long step = 1, nds = 0, i;
	char **names = NULL;
	rrd_value_t *data = NULL;
	time_t from = start, to = last, t;
	int rc = STORE_OK;

	rrd_clear_error();
	if (rrd_fetch_r(old, "AVERAGE", &from, &to, &step, &nds, &names,
	    &data) != 0)
		return rrd_fail(err, "fetch", old);
	for (i = 0; step > 0 && from + (time_t)((i + 1) * step) <= to &&
	    rc == STORE_OK; i++)
		if ((t = from + (time_t)((i + 1) * step)) > start && t <= last)
			rc = fn(arg, t, data[i * nds], err);
	for (i = 0; i < nds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	return rc;
}

/* ---- where and what ------------------------------------------------ */

void
rrdfile_path(const struct conf *c, const char *name, char *buf, size_t len)
{
	if (c->station != NULL)
		snprintf(buf, len, "%s/%s.rrd", c->station, name);
	else
		snprintf(buf, len, "%s/rrd/%s.rrd", c->state_dir, name);
}

/*
 * DESIGN.md 6: every step for 8 days but at most 20 000 rows; 1-minute
 * rows for 8 days when the step is below a minute; hourly for 800 days;
 * daily for 10 years. AVERAGE, MIN and MAX of each. With a step of an
 * hour or more the step rows themselves are kept 800 days (a day or
 * more: 10 years), at most 20 000 rows, so year-on-year reports always
 * have hourly or coarser rows for two years.
 */
int
rrdfile_rra_args(const struct conf_sensor *s, char args[][64], int max)
{
	static const char *const cf[] = { "AVERAGE", "MIN", "MAX" };
	struct res { long secs, keep; } res[4];
	long step = s->interval, rows;
	int n = 0, i, j, nres = 0;

	rows = (step >= 86400 ? 3653 : step >= 3600 ? 800 : 8) * 86400L /
	    step;
	res[nres++] = (struct res){ step, rows > 20000 ? 20000 : rows };
	if (step < 60)
		res[nres++] = (struct res){ 60, 8 * 1440 };
	if (step < 3600)
		res[nres++] = (struct res){ 3600, 800 * 24 };
	if (step < 86400)
		res[nres++] = (struct res){ 86400, 3653 };
	for (i = 0; i < nres; i++) {
		long per = res[i].secs / step;

		for (j = 0; j < 3 && n < max; j++)
			snprintf(args[n++], 64, "RRA:%s:0.5:%ld:%ld", cf[j],
			    per < 1 ? 1 : per, res[i].keep < 1 ? 1 :
			    res[i].keep);
	}
	return n;
}
