/*
 * graph.c: `lakewatch graph`: one sensor's RRD graph via rrd_graph_v (no
 * rrdtool process): AVERAGE line, MIN/MAX band from 30 days up, GB 3838
 * class bands (skipscale: they never stretch the axis), the target limit
 * dashed, flagged periods as a coloured tick band along the bottom, axis
 * in plain decimals, the site in the title. Flags are not in the RRD, so
 * the periods come from the sample log and are drawn with CDEFs on TIME.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <rrd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "../lib/rrdcached.h"
#include "../lib/rrdfile.h"
#include "../lib/util.h"
#include "graph.h"
#include "report.h"
#include "tool.h"

#define MAX_ARGS	96
#define MAX_PERIODS	200	/* per kind, after merging */
#define LONG_RANGE	(30 * 86400)
#define SCALE_MARGIN	1.2	/* headroom above max(data, target limit) */
#define XLABEL_PX	64	/* room for one "Thu 03" x label, pixels */

/* band colours: I/II blue, III green, IV yellow, V orange, worse red */
static const char *const band_colour[] = { "#dcebfa", "#cfe3f7",
	"#dff3dc", "#fdf5c9", "#fde4c8", "#fbd9d5" };

static const struct {
	char		 kind;
	const char	*colour;
	const char	*legend;
} kinds[] = {
	{ GRAPH_MAINT, "#8e6cc9", "maintenance/calibration" },
	{ GRAPH_FAULT, "#d9480f", "fault" },
	{ GRAPH_COMM, "#6c757d", "comms lost" },
};

/* ---- flagged periods ------------------------------------------------ */

struct flagrow {
	time_t	t;
	char	flag;
};

struct flagrows {
	struct flagrow	*r;
	size_t		 n, cap;
};

static void
collect(void *arg, const struct samplelog_row *row)
{
	struct flagrows *fr = arg;

	if (fr->n == fr->cap) {
		fr->cap = fr->cap ? fr->cap * 2 : 1024;
		if ((fr->r = reallocarray(fr->r, fr->cap, sizeof(*fr->r))) ==
		    NULL)
			fatal("graph");
	}
	fr->r[fr->n++] = (struct flagrow){ row->t, row->flag };
}

static int
cmp_flagrow(const void *a, const void *b)
{
	const struct flagrow *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

static char
kind_of(char flag)
{
	if (flag == 'M' || flag == 'C')
		return GRAPH_MAINT;
	if (flag == 'B')
		return GRAPH_COMM;
	return GRAPH_FAULT;
}

static void
period_add(struct graph_periods *gp, time_t from, time_t to, char kind)
{
	struct graph_period *last = gp->n ? &gp->p[gp->n - 1] : NULL;

	if (last && last->kind == kind && from <= last->to) {
		if (to > last->to)
			last->to = to;
		return;
	}
	if (gp->n == gp->cap) {
		gp->cap = gp->cap ? gp->cap * 2 : 64;
		if ((gp->p = reallocarray(gp->p, gp->cap, sizeof(*gp->p))) ==
		    NULL)
			fatal("graph");
	}
	gp->p[gp->n++] = (struct graph_period){ from, to, kind };
}

int
graph_periods_load(const struct conf *c, const struct conf_sensor *s,
    time_t from, time_t to, struct graph_periods *gp, char err[LW_ERRLEN])
{
	struct flagrows fr = { 0 };
	time_t hold = (time_t)(s->alert.stale_after > s->interval ?
	    s->alert.stale_after : s->interval), end;
	size_t i;

	memset(gp, 0, sizeof(*gp));
	if (samplelog_scan(c, s->name, from - hold, to, collect, &fr, err) ==
	    -1) {
		free(fr.r);
		return -1;
	}
	if (fr.n > 0)
		qsort(fr.r, fr.n, sizeof(*fr.r), cmp_flagrow);
	for (i = 0; i < fr.n; i++) {
		if (report_flag_valid(fr.r[i].flag))
			continue;
		end = fr.r[i].t + hold;
		if (i + 1 < fr.n && fr.r[i + 1].t < end)
			end = fr.r[i + 1].t;
		if (end <= fr.r[i].t)
			end = fr.r[i].t + 1;
		period_add(gp, fr.r[i].t, end, kind_of(fr.r[i].flag));
	}
	free(fr.r);
	return 0;
}

void
graph_periods_free(struct graph_periods *gp)
{
	free(gp->p);
	memset(gp, 0, sizeof(*gp));
}

/* ---- what the range holds ------------------------------------------ */

struct extent {
	unsigned long	step;	/* asked of rrd_fetch and rrd_graph alike */
	double		max;	/* largest value in view */
	int		known;	/* values in view */
};

/*
 * The MAX rows of RRD over O's range (MAX is also the top of the
 * min-max band). The step asked is two pixels or more, and rrd_graph
 * gets the same --step: it ignores a step under a pixel, and its own
 * pixel-wide step can pick another archive (hourly rows known, daily
 * not yet). A failed fetch counts as no data; rrd_graph names the error.
 */
static void
extent(const char *rrd, const struct graph_opts *o, struct extent *e)
{
	unsigned long step, nds = 0, i;
	char **names = NULL;
	rrd_value_t *data = NULL, v;
	time_t from = o->start, to = o->end;

	e->max = -INFINITY;
	e->known = 0;
	e->step = (unsigned long)((o->end - o->start) / (o->width / 2));
	if (e->step < 1)
		e->step = 1;
	step = e->step;
	rrd_clear_error();
	if (rrd_fetch_r(rrd, "MAX", &from, &to, &step, &nds, &names,
	    &data) != 0)
		return;
	for (i = 0; nds > 0 && step > 0 && from + (time_t)((i + 1) * step) <=
	    to; i++) {
		v = data[i * nds];
		if (isnan(v))
			continue;
		e->known++;
		if (v > e->max)
			e->max = v;
	}
	for (i = 0; i < nds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
}

/* ---- the rrd_graph arguments ---------------------------------------- */

struct args {
	char	*v[MAX_ARGS];
	int	 n;
};

static void arg(struct args *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
arg(struct args *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->n == MAX_ARGS)
		fatalx("graph: too many arguments");
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("graph");
	va_end(ap);
	a->v[a->n++] = s;
}

static void
args_free(struct args *a)
{
	while (a->n > 0)
		free(a->v[--a->n]);
}

/*
 * TEXT with rrd's ':' escaped into BUF (paths, legends and COMMENTs);
 * PCT: '%' doubled too, for text inside a GPRINT format ("% sat").
 */
static const char *
esc(const char *text, int pct, char *buf, size_t len)
{
	size_t n = 0;

	for (; *text && n + 3 < len; text++) {
		if (*text == ':' || *text == '\\')
			buf[n++] = '\\';
		else if (pct && *text == '%')
			buf[n++] = '%';
		buf[n++] = *text;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * Ranges of 2 to 14 days: one short label ("Thu 03") per day or per N
 * days, centred on its day; rrd's own choice ("Thu 03 Dec" under each
 * midnight) overlaps below ~900 pixels and is cut at the right edge.
 */
static void
opt_xgrid(struct args *a, const struct graph_opts *o)
{
	long days = (long)((o->end - o->start) / 86400);
	int plot = o->width - 100, every;	/* less the axis */

	if (days < 2 || days > 14)
		return;
	every = (int)((XLABEL_PX * days + plot - 1) / (plot > 0 ? plot : 1));
	if (every < 1)
		every = 1;
	arg(a, "--x-grid=HOUR:%d:DAY:%d:DAY:%d:86400:%%a %%d",
	    every > 1 ? 24 : 6, every, every);
}

static void
opt_common(struct args *a, const struct conf_sensor *s,
    const struct graph_opts *o)
{
	char title[512];

	arg(a, "--imgformat=%s", o->svg ? "SVG" : "PNG");
	arg(a, "--start=%lld", (long long)o->start);
	arg(a, "--end=%lld", (long long)o->end);
	arg(a, "--width=%d", o->width);
	arg(a, "--height=%d", o->height);
	arg(a, "--full-size-mode");
	snprintf(title, sizeof(title), "%s · %s (%s)%s%s", s->site,
	    gb3838_param_label(s->parameter), s->name, o->what ? " · " : "",
	    o->what ? o->what : "");
	arg(a, "--title=%s", title);
	arg(a, "--vertical-label=%s", s->unit_label);
	arg(a, "--units-exponent=0");
	arg(a, "--left-axis-format=%%.%dlf", s->decimals);
	arg(a, "--font=DEFAULT:8:DejaVu Sans Mono,Noto Sans Mono CJK SC");
	arg(a, "--font=TITLE:10:DejaVu Sans,Noto Sans CJK SC");
	arg(a, "--border=0");
	arg(a, "--color=BACK#ffffff");
	arg(a, "--color=CANVAS#ffffff");
	arg(a, "--color=GRID#00000018");
	arg(a, "--color=MGRID#00000030");
	arg(a, "--color=FRAME#ffffff");
	arg(a, "--slope-mode");
	arg(a, "--disable-rrdtool-tag");
	opt_xgrid(a, o);
}

/* Lower and upper ends of the class bands of S; how many bands, 0 none. */
static int
bands(const struct conf_sensor *s, double lo[6], double hi[6], int cls[6])
{
	double lim[5];
	int i, up = gb3838_direction(s->parameter);

	for (i = 0; i < 5; i++)
		if (up == 0 || gb3838_limit(s->parameter, s->water_body, i + 1,
		    &lim[i]) == -1)
			return 0;
	for (i = 0; i < 6; i++) {
		/* from the bottom: I..worse going up, worse..I for DO */
		cls[i] = up > 0 ? i + 1 : GB_CLASS_WORSE - i;
		lo[i] = i == 0 ? 0 : up > 0 ? lim[i - 1] : lim[5 - i];
		hi[i] = i == 5 ? INFINITY : up > 0 ? lim[i] : lim[4 - i];
	}
	return 6;
}

static void
opt_bands(struct args *a, const struct conf_sensor *s)
{
	double lo[6], hi[6];
	int cls[6], i, n = bands(s, lo, hi, cls);

	for (i = 0; i < n; i++) {
		/* rrd's RPN cannot end in a bare number: a constant via IF */
		if (isinf(hi[i]))
			arg(a, "CDEF:band%d=v,UN,INF,INF,IF", i);
		else
			arg(a, "CDEF:band%d=v,UN,%.6g,%.6g,IF", i,
			    hi[i] - lo[i], hi[i] - lo[i]);
		arg(a, "AREA:band%d%s:%s%s%s:skipscale", i,
		    band_colour[cls[i] - 1], cls[i] == GB_CLASS_WORSE ?
		    "worse than V" : gb3838_class_name(cls[i]),
		    i == n - 1 ? "\\l" : "", i ? ":STACK" : "");
	}
}

static void
opt_series(struct args *a, const char *rrd, const struct conf_sensor *s,
    const struct graph_opts *o, const struct extent *e)
{
	char u[256];
	int d = s->decimals;

	arg(a, "DEF:v=%s:value:AVERAGE", rrd);
	if (o->end - o->start >= LONG_RANGE) {
		arg(a, "DEF:lo=%s:value:MIN", rrd);
		arg(a, "DEF:hi=%s:value:MAX", rrd);
		arg(a, "CDEF:span=hi,lo,-");
	}
	opt_bands(a, s);
	if (o->end - o->start >= LONG_RANGE) {
		/* light, with its edges: the class colours show through */
		arg(a, "AREA:lo");
		arg(a, "STACK:span#1f4e7914:min–max");
		arg(a, "LINE1:lo#1f4e7940");
		arg(a, "LINE1:hi#1f4e7940");
	}
	arg(a, "LINE2:v#1f4e79:%s average", gb3838_param_label(s->parameter));
	if (e->known == 0) {
		/* a VDEF of nothing prints "-nan" */
		arg(a, "COMMENT:  no data in this period\\l");
		return;
	}
	arg(a, "VDEF:vlast=v,LAST");
	arg(a, "VDEF:vavg=v,AVERAGE");
	arg(a, "VDEF:vmax=v,MAXIMUM");
	arg(a, "GPRINT:vlast:last %%.%dlf", d);
	arg(a, "GPRINT:vavg:mean %%.%dlf", d);
	arg(a, "GPRINT:vmax:max %%.%dlf %s\\l", d,
	    esc(s->unit_label, 1, u, sizeof(u)));
}

static void
opt_target(struct args *a, const struct conf_sensor *s,
    const struct extent *e)
{
	char u[256];
	double lim, top;

	if (gb3838_direction(s->parameter) == 0 ||
	    gb3838_limit(s->parameter, s->water_body, s->target_class,
	    &lim) == -1)
		return;
	arg(a, "HRULE:%.6g#c62828:target Class %s %.*f %s\\l:dashes=6,3", lim,
	    gb3838_class_name(s->target_class), s->decimals, lim,
	    esc(s->unit_label, 0, u, sizeof(u)));
	/*
	 * Scale to the data and the limit, not to rrd's autoscale: with no
	 * value in view that is 0..1, and the class bands (skipscale) do
	 * not count. Rigid, so the bands are clipped to the view.
	 */
	top = e->known > 0 && e->max > lim ? e->max : lim;
	arg(a, "--upper-limit=%.6g", top * SCALE_MARGIN);
	arg(a, "--lower-limit=0");
	arg(a, "--rigid");
}

/* Append "TIME,A,B,LIMIT,UN,0,1,IF" (1 inside [A, B]) to *S. */
static void
rpn_window(char **s, time_t a, time_t b, int first)
{
	char *t;

	if (asprintf(&t, "%s%sTIME,%lld,%lld,LIMIT,UN,0,1,IF%s", *s ? *s : "",
	    *s ? "," : "", (long long)a, (long long)b, first ? "" : ",+") ==
	    -1)
		fatal("graph");
	free(*s);
	*s = t;
}

/*
 * RPN that is 1 at times inside a period of KIND and 0 elsewhere, periods
 * closer than TOL merged; NULL if none is in [START, END). *N: windows.
 */
static char *
period_rpn(const struct graph_periods *gp, char kind, time_t start,
    time_t end, time_t tol, int *n)
{
	const struct graph_period *p;
	char *s = NULL;
	time_t a = 0, b = 0;
	size_t i;

	*n = 0;
	for (i = 0; i < gp->n; i++) {
		p = &gp->p[i];
		if (p->kind != kind || p->to <= start || p->from >= end)
			continue;
		if (*n > 0 && p->from - b <= tol) {
			b = p->to > b ? p->to : b;
			continue;
		}
		if (*n > 0)
			rpn_window(&s, a, b, *n == 1);
		a = p->from;
		b = p->to;
		(*n)++;
	}
	if (*n > 0)
		rpn_window(&s, a, b, *n == 1);
	return s;
}

/* A tick band per kind of flagged period in range (merged to pixels). */
static void
opt_periods(struct args *a, const struct graph_periods *gp,
    const struct graph_opts *o)
{
	time_t tol = (o->end - o->start) / (o->width > 0 ? o->width : 1);
	size_t k;
	char *rpn;
	int n;

	for (k = 0; gp && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		while ((rpn = period_rpn(gp, kinds[k].kind, o->start, o->end,
		    tol, &n)) != NULL && n > MAX_PERIODS) {
			free(rpn);
			tol *= 2;
		}
		if (rpn == NULL)
			continue;
		arg(a, "CDEF:flag%zu=v,POP,%s", k, rpn);
		/* rrd draws a TICK's legend box one character wide */
		arg(a, "TICK:flag%zu%s:0.05: %s", k, kinds[k].colour,
		    kinds[k].legend);
		free(rpn);
	}
}

/* Insert <title> into an SVG so the site is in the file as text. */
static int
svg_title(const char *path, const struct conf_sensor *s)
{
	char *buf = NULL, *gt, title[1024];
	size_t len = 0, n = 0;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (getdelim(&buf, &len, '\0', fp) == -1) {
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	gt = strstr(buf, "<svg");
	gt = gt ? strchr(gt, '>') : NULL;
	n = (size_t)snprintf(title, sizeof(title), "<title>%s %s</title>",
	    s->site, gb3838_param_label(s->parameter));
	if (gt == NULL || strpbrk(s->site, "<>&") != NULL) {
		free(buf);
		return 0;
	}
	gt++;
	if ((fp = fopen(path, "w")) == NULL) {
		free(buf);
		return -1;
	}
	fwrite(buf, 1, (size_t)(gt - buf), fp);
	fwrite(title, 1, n, fp);
	fputs(gt, fp);
	rc = fclose(fp);
	free(buf);
	return rc;
}

/* What rrdtool graphv prints: geometry, y range, legend texts. */
static void
print_info(const rrd_info_t *i)
{
	for (; i != NULL; i = i->next) {
		switch (i->type) {
		case RD_I_VAL:
			printf("%s = %.10e\n", i->key, i->value.u_val);
			break;
		case RD_I_CNT:
			printf("%s = %lu\n", i->key, i->value.u_cnt);
			break;
		case RD_I_INT:
			printf("%s = %d\n", i->key, i->value.u_int);
			break;
		case RD_I_STR:
			printf("%s = \"%s\"\n", i->key, i->value.u_str);
			break;
		default:
			break;
		}
	}
}

static int
render(struct args *a, const char *tmp, int info_out, char err[LW_ERRLEN])
{
	rrd_info_t *info;

	rrd_clear_error();
	info = rrd_graph_v(a->n, a->v);
	if (info == NULL) {
		snprintf(err, LW_ERRLEN, "graph: %s", rrd_get_error());
		unlink(tmp);
		return -1;
	}
	if (info_out)
		print_info(info);
	rrd_info_free(info);
	return 0;
}

/* Have rrdcached at ADDR write out what it holds for RRD. */
static int
flush_cached(const char *addr, const char *rrd, char err[LW_ERRLEN])
{
	char real[PATH_MAX], why[LW_ERRLEN];
	struct rrdc *rc;
	int r;

	if (realpath(rrd, real) == NULL) {	/* rrdcached wants it whole */
		snprintf(err, LW_ERRLEN, "%s: %s", rrd, strerror(errno));
		return -1;
	}
	rc = rrdcached_new(addr);
	if ((r = rrdcached_ops.open(rc, why)) == STORE_OK)
		r = rrdcached_ops.flush(rc, real, why);
	rrdcached_free(rc);
	if (r != STORE_OK) {
		snprintf(err, LW_ERRLEN, "flush %s: %s", rrd, why);
		return -1;
	}
	return 0;
}

int
graph_render(const struct conf *c, const struct conf_sensor *s,
    const struct graph_opts *o, const struct graph_periods *gp,
    const char *out, char err[LW_ERRLEN])
{
	char rrd[PATH_MAX], tmp[PATH_MAX], e[PATH_MAX * 2];
	struct args a = { { 0 }, 0 };
	struct extent ext;
	int rc;

	if (c->station != NULL) {	/* not ours to see: rrdcached's host */
		snprintf(err, LW_ERRLEN, "station '%s': the RRD files are on "
		    "the central rrdcached's host (%s/<sensor>.rrd under its "
		    "base directory); graph them there", c->station,
		    c->station);
		return -1;
	}
	rrdfile_path(c, s->name, rrd, sizeof(rrd));
	if (access(rrd, R_OK) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s (no data stored yet?)", rrd,
		    strerror(errno));
		return -1;
	}
	/*
	 * rrdcached may hold updates: flush this file first (done here
	 * rather than with rrd_graph's --daemon, which loses its argument
	 * strings)
	 */
	if (c->rrdcached != NULL && flush_cached(c->rrdcached, rrd, err) ==
	    -1)
		return -1;
	extent(rrd, o, &ext);
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	arg(&a, "graph");
	arg(&a, "%s", tmp);
	opt_common(&a, s, o);
	arg(&a, "--step=%lu", ext.step);
	opt_series(&a, esc(rrd, 0, e, sizeof(e)), s, o, &ext);
	opt_periods(&a, gp, o);
	opt_target(&a, s, &ext);
	rc = render(&a, tmp, o->info, err);
	args_free(&a);
	if (rc == 0 && o->svg && svg_title(tmp, s) == -1)
		log_warn("%s: svg title", tmp);
	if (rc == 0 && rename(tmp, out) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", out, strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	return rc;
}

/* ---- the command ------------------------------------------------------ */

/* "1d", "7d", "30d", "1y" (or N h|d|w|y) into seconds; -1 if bad. */
static long
parse_range(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (n <= 0 || end == s || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 'h': return n * 3600;
	case 'd': return n * 86400;
	case 'w': return n * 7 * 86400;
	case 'y': return n * 365 * 86400;
	default: return -1;
	}
}

/* A time as parse_rfc3339 takes it, or a local date "2026-05-01". */
static int
parse_when(const char *s, time_t *t)
{
	char buf[32];
	const char *why;

	if (strlen(s) == 10) {
		snprintf(buf, sizeof(buf), "%s 00:00", s);
		s = buf;
	}
	if (parse_rfc3339(s, t, &why) == 0)
		return 0;
	fprintf(stderr, "lakewatch: '%s': %s\n", s, why);
	return -1;
}

struct graph_cli {
	const char	*file, *sensor, *out, *range, *start, *end;
	struct graph_opts o;
};

void
tool_graph_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch graph -c FILE --sensor NAME "
	    "[--range 1d|7d|30d|1y | --start T [--end T]]\n"
	    "\t[--width W] [--height H] [--info] -o out.png|out.svg\n");
}

static int
usage_graph(void)
{
	tool_graph_usage(stderr);
	return EX_USAGE;
}

static int
graph_args(int argc, char **argv, struct graph_cli *g)
{
	static const struct option lo[] = {
		{ "sensor", required_argument, NULL, 's' },
		{ "range", required_argument, NULL, 'r' },
		{ "start", required_argument, NULL, 'S' },
		{ "end", required_argument, NULL, 'E' },
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "info", no_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(g, 0, sizeof(*g));
	g->o.width = 800;
	g->o.height = 320;
	while ((ch = getopt_long(argc, argv, "c:o:s:r:S:E:W:H:", lo,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': g->file = optarg; break;
		case 'o': g->out = optarg; break;
		case 's': g->sensor = optarg; break;
		case 'r': g->range = optarg; break;
		case 'S': g->start = optarg; break;
		case 'E': g->end = optarg; break;
		case 'W': g->o.width = (int)strtol(optarg, NULL, 10); break;
		case 'H': g->o.height = (int)strtol(optarg, NULL, 10); break;
		case 'I': g->o.info = 1; break;
		default: return -1;
		}
	}
	if (optind != argc || !g->file || !g->sensor || !g->out ||
	    (g->range && g->start) || (g->end && !g->start) ||
	    g->o.width < 200 || g->o.width > 4000 || g->o.height < 100 ||
	    g->o.height > 3000)
		return -1;
	return 0;
}

/* "7d" -> "last 7 days", "1y" -> "last year" into BUF. */
static void
range_words(const char *r, char *buf, size_t len)
{
	static const char units[] = "hdwy";
	static const char *const word[] = { "hour", "day", "week", "year" };
	long n = strtol(r, NULL, 10);
	const char *u = strchr(units, r[strlen(r) - 1]);

	if (u == NULL)
		snprintf(buf, len, "last %s", r);
	else if (n == 1)
		snprintf(buf, len, "last %s", word[u - units]);
	else
		snprintf(buf, len, "last %ld %ss", n, word[u - units]);
}

/* Output format and time span of G; 0, or -1 (message printed). */
static int
graph_span(struct graph_cli *g)
{
	const char *dot = strrchr(g->out, '.');
	long range = parse_range(g->range ? g->range : "1d");
	static char what[64];

	if (dot == NULL || (strcmp(dot, ".png") != 0 &&
	    strcmp(dot, ".svg") != 0)) {
		fprintf(stderr, "lakewatch: -o: name a .png or .svg file\n");
		return -1;
	}
	g->o.svg = strcmp(dot, ".svg") == 0;
	g->o.end = time(NULL);
	if (g->start) {
		if (parse_when(g->start, &g->o.start) == -1 ||
		    (g->end && parse_when(g->end, &g->o.end) == -1))
			return -1;
		snprintf(what, sizeof(what), "%s – %s", g->start,
		    g->end ? g->end : "now");
	} else if (range == -1) {
		fprintf(stderr, "lakewatch: --range: 1d, 7d, 30d, 1y ...\n");
		return -1;
	} else {
		g->o.start = g->o.end - range;
		range_words(g->range ? g->range : "1d", what, sizeof(what));
	}
	g->o.what = what;
	if (g->o.end <= g->o.start) {
		fprintf(stderr, "lakewatch: --end is not after --start\n");
		return -1;
	}
	return 0;
}

static int
graph_run(const struct conf *c, struct graph_cli *g)
{
	struct graph_periods gp;
	char err[LW_ERRLEN];
	int idx = conf_sensor_find(c, g->sensor), rc;

	if (idx == -1) {
		fprintf(stderr, "lakewatch: %s: no sensor '%s'\n", g->file,
		    g->sensor);
		return 1;
	}
	if (graph_periods_load(c, &c->sensors[idx], g->o.start, g->o.end,
	    &gp, err) == -1) {
		fprintf(stderr, "lakewatch: %s\n", err);
		return 1;
	}
	rc = graph_render(c, &c->sensors[idx], &g->o, &gp, g->out, err);
	graph_periods_free(&gp);
	if (rc == -1) {
		fprintf(stderr, "lakewatch: %s\n", err);
		return 1;
	}
	return 0;
}

int
tool_graph(int argc, char **argv)
{
	struct graph_cli g;
	char err[LW_ERRLEN];
	struct conf *c;
	int rc;

	if (graph_args(argc, argv, &g) == -1)
		return usage_graph();
	if ((c = conf_load(g.file, err)) == NULL ||
	    report_tz(c->timezone, err) == -1) {
		fprintf(stderr, "%s\n", err);
		rc = c == NULL ? conf_exit_status(g.file) : EX_CONFIG;
		conf_free(c);
		return rc;
	}
	rc = graph_span(&g) == -1 ? EX_USAGE : graph_run(c, &g);
	conf_free(c);
	return rc;
}
