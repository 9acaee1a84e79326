/* store.c: librrd, one update call per sensor per batch */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <rrd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "util.h"

struct store {
	const struct conf	*c;
	time_t			*last;	/* per sensor: last update time, 0 unknown */
};

void
store_path(const struct conf *c, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/rrd/%s.rrd", c->state_dir, name);
}

struct store *
store_new(const struct conf *c, char err[LW_ERRLEN])
{
	struct store *st;
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/rrd", c->state_dir);
	if (mkdirs(dir, 0750) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->last = calloc(c->nsensor + 1, sizeof(*st->last))) == NULL)
		fatal("store");
	st->c = c;
	return st;
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	free(st->last);
	free(st);
}

/*
 * DESIGN.md 6: every step for 8 days but at most 20 000 rows; 1-minute
 * rows for 8 days when the step is below a minute; hourly for 800 days;
 * daily for 10 years. AVERAGE, MIN and MAX of each.
 */
int
store_rra_args(const struct conf_sensor *s, char args[][64], int max)
{
	static const char *const cf[] = { "AVERAGE", "MIN", "MAX" };
	struct res { long secs, keep; } res[4];
	long step = s->interval, rows;
	int n = 0, i, j, nres = 0;

	rows = 8 * 86400L / step;
	res[nres++] = (struct res){ step, rows > 20000 ? 20000 : rows };
	if (step < 60)
		res[nres++] = (struct res){ 60, 8 * 1440 };
	if (step < 3600)
		res[nres++] = (struct res){ 3600, 800 * 24 };
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

static int
create(const struct conf_sensor *s, const char *path, time_t start,
    char err[LW_ERRLEN])
{
	char args[16][64];
	const char *argv[16];
	int n, i;
	int neg = s->parameter == PARAM_TEMP || s->range_min < 0;

	snprintf(args[0], 64, "DS:value:GAUGE:%d:%s:U", 2 * s->interval,
	    neg ? "U" : "0");
	n = 1 + store_rra_args(s, args + 1, 15);
	for (i = 0; i < n; i++)
		argv[i] = args[i];
	rrd_clear_error();
	if (rrd_create_r(path, (unsigned long)s->interval, start, n,
	    argv) != 0) {
		snprintf(err, LW_ERRLEN, "create %s: %s", path,
		    rrd_get_error());
		rrd_clear_error();
		return -1;
	}
	log_info("sensor '%s': created %s (step %d s)", s->name, path,
	    s->interval);
	return 0;
}

static int
last_update(struct store *st, int idx, const char *path, time_t first,
    char err[LW_ERRLEN])
{
	const struct conf_sensor *s = &st->c->sensors[idx];
	time_t t;

	if (st->last[idx] != 0)
		return 0;
	if (access(path, F_OK) == -1) {
		if (create(s, path, first - 1, err) == -1)
			return -1;
		st->last[idx] = first - 1;
		return 0;
	}
	rrd_clear_error();
	if ((t = rrd_last_r(path)) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", path, rrd_get_error());
		rrd_clear_error();
		return -1;
	}
	st->last[idx] = t;
	return 0;
}

int
store_update(struct store *st, int idx, const struct sample *s, size_t n,
    char err[LW_ERRLEN])
{
	char path[PATH_MAX], (*vals)[48];
	const char **argv;
	size_t i;
	int k = 0, rc = 0;

	if (n == 0)
		return 0;
	store_path(st->c, st->c->sensors[idx].name, path, sizeof(path));
	if (last_update(st, idx, path, s[0].t, err) == -1)
		return -1;
	if ((vals = calloc(n, sizeof(*vals))) == NULL ||
	    (argv = calloc(n, sizeof(*argv))) == NULL)
		fatal("store");
	for (i = 0; i < n; i++) {
		if (s[i].t <= st->last[idx])
			continue;
		if (sample_valid(&s[i]) && isfinite(s[i].value))
			snprintf(vals[k], 48, "%lld:%.10g", (long long)s[i].t,
			    s[i].value);
		else
			snprintf(vals[k], 48, "%lld:U", (long long)s[i].t);
		argv[k] = vals[k];
		st->last[idx] = s[i].t;
		k++;
	}
	rrd_clear_error();
	if (k > 0 && rrd_update_r(path, "value", k, argv) != 0) {
		snprintf(err, LW_ERRLEN, "update %s: %s", path,
		    rrd_get_error());
		rrd_clear_error();
		st->last[idx] = 0;	/* re-read it next time */
		rc = -1;
	}
	free(vals);
	free(argv);
	return rc == -1 ? -1 : k;
}
