/*
 * dashboard.c: `lakewatch dashboard`: a static index.html and PNG graphs
 * (day, week, month, year per sensor) under [daemon] www_dir, from the
 * daemon's status.json, the RRDs and the sample log. No JavaScript; the
 * page reloads itself every 5 minutes and a systemd timer
 * (lakewatch-dashboard.timer) rewrites it as often. Files are written
 * beside their final names and renamed, so a reader never sees half.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "../lib/statusfile.h"
#include "../lib/conf.h"
#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "../lib/rrdfile.h"
#include "../lib/util.h"
#include "graph.h"
#include "report.h"
#include "report_out.h"
#include "tool.h"

#define REFRESH_S	300
#define GRAPH_W		600
#define GRAPH_H		240

static const struct {
	const char	*name;		/* file suffix and caption */
	long		 secs;
	const char	*what;		/* in the graph title */
} spans[] = {
	{ "day", 86400, "last 24 hours" },
	{ "week", 7 * 86400, "last 7 days" },
	{ "month", 30 * 86400, "last 30 days" },
	{ "year", 365 * 86400, "last 12 months" },
};
#define NSPANS	(sizeof(spans) / sizeof(spans[0]))

static const char css[] =
"*{box-sizing:border-box}"
"body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
"'Noto Sans CJK SC','Noto Sans',sans-serif;color:#1d2733;"
"background:#f3f5f8}"
"header{background:#16324f;color:#fff;padding:18px 28px}"
"header h1{margin:0;font-size:22px;font-weight:600;letter-spacing:.3px}"
"header p{margin:4px 0 0;color:#c6d4e3;font-size:13px}"
"main{padding:20px 28px;max-width:1500px;margin:auto}"
".banner{background:#fff4e5;border:1px solid #f0c48a;color:#7a4b00;"
"padding:10px 14px;border-radius:8px;margin-bottom:18px}"
".site{background:#fff;border-radius:12px;box-shadow:0 1px 3px "
"rgba(20,40,70,.12);margin-bottom:24px;overflow:hidden}"
".site>h2{margin:0;padding:14px 20px;font-size:19px;border-bottom:1px "
"solid #e6eaef;display:flex;align-items:center;gap:12px}"
".sensor{padding:14px 20px;border-bottom:1px solid #eef1f4}"
".sensor:last-child{border-bottom:0}"
".head{display:flex;flex-wrap:wrap;align-items:baseline;gap:10px 16px}"
".param{font-weight:700;font-size:17px}"
".name{color:#6b7785;font-size:13px}"
".value{font-size:26px;font-weight:600;font-variant-numeric:tabular-nums}"
".value small{font-size:14px;color:#6b7785;font-weight:400}"
".chip{display:inline-block;padding:2px 10px;border-radius:999px;"
"font-size:13px;font-weight:600}"
".c0{background:#eceff3;color:#55606c}"
".c1,.c2{background:#d6e9fb;color:#0d4a85}"
".c3{background:#d8f1d6;color:#1d6b25}"
".c4{background:#fcf0b8;color:#6d5600}"
".c5{background:#fde0c2;color:#8a4300}"
".c6{background:#f9d3cf;color:#9b1c12}"
".flag{font-size:13px;color:#55606c}"
".flag b{display:inline-block;min-width:20px;text-align:center;"
"border-radius:4px;background:#eceff3;margin-right:4px}"
".flag.bad b{background:#f9d3cf;color:#9b1c12}"
".alert{font-size:13px;font-weight:600;padding:2px 10px;"
"border-radius:6px}"
".alert.ok{color:#1d6b25;background:#e6f5e4}"
".alert.firing{color:#fff;background:#c62828}"
".meta{color:#6b7785;font-size:13px}"
".graphs{display:grid;grid-template-columns:repeat(2,1fr);gap:12px;"
"margin-top:12px}"
"@media(min-width:1800px){.graphs{grid-template-columns:repeat(4,1fr)}}"
"@media(max-width:820px){.graphs{grid-template-columns:1fr}}"
"figure{margin:0;background:#fafbfc;border:1px solid #eef1f4;"
"border-radius:8px;padding:6px}"
"figure img{width:100%;height:auto;display:block}"
"figcaption{font-size:12px;color:#6b7785;padding:2px 4px 0}"
".nodata{padding:40px 0;text-align:center;color:#8a94a0;font-size:13px}"
"footer{color:#6b7785;font-size:12px;padding:0 28px 24px;"
"max-width:1500px;margin:auto}"
"footer .chip{margin-right:6px}";

struct dash {
	const struct conf	*c;
	const char		*dir;		/* www_dir */
	json_t			*status;	/* NULL if none */
	double			 age;		/* of status.json, s */
	time_t			 now;
	FILE			*html;
	int			 graphs;	/* written */
	int			 failed;	/* graphs that failed */
};

/* TEXT with &, <, >, " escaped. */
static void
put_esc(FILE *fp, const char *text)
{
	for (; *text; text++) {
		switch (*text) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*text, fp);
		}
	}
}

static const char *
flag_name(char f)
{
	switch (f) {
	case 'N': return "normal";
	case 'S': return "set value";
	case 'M': return "maintenance";
	case 'C': return "calibration";
	case 'D': return "fault";
	case 'F': return "stopped";
	case 'T': return "over range";
	case 'B': return "comms lost";
	default: return "no reading yet";
	}
}

/* The status.json object of sensor NAME, or NULL. */
static json_t *
status_of(const struct dash *d, const char *name)
{
	json_t *a = json_object_get(d->status, "sensors"), *s;
	size_t i;

	json_array_foreach(a, i, s)
		if (strcmp(json_string_value(json_object_get(s, "name")) ?
		    json_string_value(json_object_get(s, "name")) : "",
		    name) == 0)
			return s;
	return NULL;
}

static void
load_status(struct dash *d)
{
	char path[PATH_MAX];
	json_error_t jerr;

	status_path(d->c, path, sizeof(path));
	if ((d->status = status_load(path, &jerr)) == NULL) {
		d->age = -1;
		return;
	}
	d->age = wall_now() - json_number_value(json_object_get(d->status,
	    "now"));
}

/* Current value of S from the status, NAN if none; its flag in *FLAG. */
static double
current(const struct dash *d, const struct conf_sensor *s, char *flag,
    int *firing, const char **when)
{
	json_t *o = status_of(d, s->name), *v;
	const char *f;

	*flag = 0;
	*firing = 0;
	*when = "";
	if (o == NULL)
		return NAN;
	f = json_string_value(json_object_get(o, "flag"));
	*flag = f && f[0] ? f[0] : 0;
	*firing = json_is_true(json_object_get(o, "alert_firing"));
	*when = json_string_value(json_object_get(o, "time")) ?
	    json_string_value(json_object_get(o, "time")) : "";
	v = json_object_get(o, "value");
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void
chip(FILE *fp, int cls)
{
	if (cls == 0)
		fputs("<span class=\"chip c0\">no class</span>", fp);
	else
		fprintf(fp, "<span class=\"chip c%d\">%s · Class %s</span>",
		    cls, gb3838_class_name_zh(cls), gb3838_class_name(cls));
}

/* "YTD Jan–Oct 0.054 mg/L, Class IV (target III)" from the sample log. */
static void
ytd(FILE *fp, const struct dash *d, const struct conf_sensor *s)
{
	struct rp_rules r = report_rules(s);
	struct rp_month m[12];
	struct rp_cum cum;
	struct rp_year *y;
	struct tm tm;
	char err[LW_ERRLEN], span[32];
	int i;

	localtime_r(&d->now, &tm);
	if ((y = malloc(sizeof(*y))) == NULL)
		fatal("dashboard");
	if (report_load(d->c, s->name, tm.tm_year + 1900, y, err) == -1) {
		log_warnx("%s", err);
		free(y);
		return;
	}
	for (i = 0; i < 12; i++)
		report_month(y, i + 1, &r, &m[i]);
	free(y);
	report_cumulative(m, 1, tm.tm_mon + 1, &cum);
	if (cum.nmonths == 0)
		return;
	report_span_en(1, tm.tm_mon + 1, span, sizeof(span));
	fprintf(fp, "<span class=\"meta\">%s %d mean of %d valid month%s: "
	    "%.*f %s</span> ", span, tm.tm_year + 1900, cum.nmonths,
	    cum.nmonths == 1 ? "" : "s", s->decimals,
	    gb3838_round(cum.mean, s->decimals), s->unit_label);
	chip(fp, gb3838_class(s->parameter, s->water_body, cum.mean,
	    s->decimals));
}

/* The reading's time (RFC 3339 UTC) in the local zone. */
static void
local_when(FILE *fp, const char *rfc)
{
	const char *why;
	char buf[32];
	struct tm tm;
	time_t t;

	if (parse_rfc3339(rfc, &t, &why) == -1)
		return;
	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%m-%d %H:%M", &tm);
	fprintf(fp, "<span class=\"meta\">reading of %s</span>", buf);
}

static void
sensor_head(struct dash *d, const struct conf_sensor *s)
{
	FILE *fp = d->html;
	const char *when;
	char flag;
	int firing;
	double v = current(d, s, &flag, &firing, &when);

	fprintf(fp, "<div class=\"sensor\" id=\"%s\"><div class=\"head\">"
	    "<span class=\"param\">%s</span><span class=\"name\">%s</span>"
	    "<span class=\"value\">", s->name,
	    gb3838_param_label(s->parameter), s->name);
	if (isfinite(v))
		fprintf(fp, "%.*f", s->decimals, v);
	else
		fputs("—", fp);
	fputs(" <small>", fp);
	put_esc(fp, s->unit_label);
	fputs("</small></span>", fp);
	if (report_flag_valid(flag))
		chip(fp, gb3838_class(s->parameter, s->water_body, v,
		    s->decimals));
	fprintf(fp, "<span class=\"flag%s\"><b>%c</b>%s</span>",
	    flag && !report_flag_valid(flag) ? " bad" : "", flag ? flag : '-',
	    flag_name(flag));
	fprintf(fp, "<span class=\"alert %s\">%s</span>", firing ? "firing" :
	    "ok", firing ? "ALERT firing" : "no alert");
	local_when(fp, when);
	fputs("</div><div class=\"head\">", fp);
	ytd(fp, d, s);
	fputs("</div>", fp);
}

/* The four graphs of S, and their figures. */
static void
sensor_graphs(struct dash *d, const struct conf_sensor *s)
{
	struct graph_opts o = { .end = d->now, .width = GRAPH_W,
	    .height = GRAPH_H };
	struct graph_periods gp;
	char path[PATH_MAX], err[LW_ERRLEN];
	size_t i;
	int ok;

	rrdfile_path(d->c, s->name, path, sizeof(path));
	if (access(path, R_OK) == -1) {
		fprintf(d->html, "<div class=\"nodata\">no data stored yet "
		    "(no RRD)</div></div>\n");
		d->failed++;
		return;
	}
	if (graph_periods_load(d->c, s, d->now - spans[NSPANS - 1].secs,
	    d->now, &gp, err) == -1) {
		log_warnx("%s", err);
		memset(&gp, 0, sizeof(gp));
	}
	fputs("<div class=\"graphs\">", d->html);
	for (i = 0; i < NSPANS; i++) {
		o.start = d->now - spans[i].secs;
		o.what = spans[i].what;
		snprintf(path, sizeof(path), "%s/%s-%s.png", d->dir, s->name,
		    spans[i].name);
		ok = graph_render(d->c, s, &o, &gp, path, err) == 0;
		if (!ok) {
			d->failed++;
			log_warnx("sensor '%s': %s", s->name, err);
		} else
			d->graphs++;
		fprintf(d->html, "<figure>");
		if (ok)
			fprintf(d->html, "<img src=\"%s-%s.png\" width=\"%d\" "
			    "height=\"%d\" alt=\"%s %s\">", s->name,
			    spans[i].name, GRAPH_W, GRAPH_H, s->name,
			    spans[i].name);
		else
			fputs("<div class=\"nodata\">no data stored yet</div>",
			    d->html);
		fprintf(d->html, "<figcaption>%s</figcaption></figure>",
		    spans[i].what);
	}
	fputs("</div></div>\n", d->html);
	graph_periods_free(&gp);
}

/* Worst class of the current values of SITE (single factor, no TN). */
static int
site_class(const struct dash *d, const char *site)
{
	const struct conf_sensor *s;
	const char *when;
	size_t i;
	int cls, worst = 0, firing;
	char flag;
	double v;

	for (i = 0; i < d->c->nsensor; i++) {
		s = &d->c->sensors[i];
		if (strcmp(s->site, site) != 0 || (s->parameter == PARAM_TN &&
		    s->water_body == WATER_LAKE))
			continue;
		v = current(d, s, &flag, &firing, &when);
		if (!report_flag_valid(flag))
			continue;
		cls = gb3838_class(s->parameter, s->water_body, v, s->decimals);
		if (cls > worst)
			worst = cls;
	}
	return worst;
}

/* 1 if site of sensor I was already shown (with an earlier sensor). */
static int
site_seen(const struct conf *c, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(c->sensors[j].site, c->sensors[i].site) == 0)
			return 1;
	return 0;
}

static void
put_site(struct dash *d, const char *site)
{
	size_t i;

	fputs("<section class=\"site\"><h2>", d->html);
	put_esc(d->html, site);
	fputs("<span class=\"meta\">now, single-factor:</span>", d->html);
	chip(d->html, site_class(d, site));
	fputs("</h2>\n", d->html);
	for (i = 0; i < d->c->nsensor; i++) {
		if (strcmp(d->c->sensors[i].site, site) != 0)
			continue;
		sensor_head(d, &d->c->sensors[i]);
		sensor_graphs(d, &d->c->sensors[i]);
	}
	fputs("</section>\n", d->html);
}

static void
put_header(struct dash *d)
{
	char when[64];
	struct tm tm;

	localtime_r(&d->now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M %Z", &tm);
	fprintf(d->html, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>"
	    "<meta charset=\"utf-8\"><meta http-equiv=\"refresh\" "
	    "content=\"%d\"><meta name=\"viewport\" content=\"width="
	    "device-width,initial-scale=1\"><title>lakewatch — water "
	    "quality</title><style>%s</style></head><body>\n<header><h1>"
	    "lakewatch · water quality (GB 3838-2002)</h1><p>generated %s"
	    " · %zu sensors · refreshes every %d min</p></header><main>\n",
	    REFRESH_S, css, when, d->c->nsensor, REFRESH_S / 60);
	if (d->status == NULL)
		fputs("<div class=\"banner\">No status from lakewatchd "
		    "(status.json missing): values are not current.</div>\n",
		    d->html);
	else if (d->age > status_stale_after(d->c))
		fprintf(d->html, "<div class=\"banner\">The status of "
		    "lakewatchd is %.0f s old: is it running?</div>\n",
		    d->age);
}

static void
put_footer(struct dash *d)
{
	int i;

	fputs("</main><footer>Classes (GB 3838-2002, lake or river table "
	    "per sensor): ", d->html);
	for (i = 1; i <= GB_CLASS_WORSE; i++)
		chip(d->html, i);
	fputs("<br>Flags (HJ 212): N normal, M maintenance, C calibration, "
	    "D fault, F stopped, T over range, B comms lost. Graph ticks "
	    "along the bottom mark flagged periods; the dashed line is the "
	    "target class limit. Means: see <code>lakewatch report</code>."
	    "</footer></body></html>\n", d->html);
}

static int
dash_write(struct dash *d, char err[LW_ERRLEN])
{
	char *buf = NULL, path[PATH_MAX];
	size_t len = 0, i;
	int rc;

	if ((d->html = open_memstream(&buf, &len)) == NULL)
		fatal("dashboard");
	put_header(d);
	for (i = 0; i < d->c->nsensor; i++)
		if (!site_seen(d->c, i))
			put_site(d, d->c->sensors[i].site);
	put_footer(d);
	fclose(d->html);
	snprintf(path, sizeof(path), "%s/index.html", d->dir);
	rc = write_replace(path, buf, len, 0644, 0);
	if (rc == -1)
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
	free(buf);
	return rc;
}

void
tool_dashboard_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch dashboard -c FILE [-o DIR]\n");
}

int
tool_dashboard(int argc, char **argv)
{
	struct dash d = { 0 };
	const char *file = NULL, *out = NULL;
	char err[LW_ERRLEN];
	struct conf *c;
	int ch, rc = 0;

	while ((ch = getopt(argc, argv, "c:o:")) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 'o': out = optarg; break;
		default: file = NULL; break;
		}
	}
	if (file == NULL || optind != argc) {
		tool_dashboard_usage(stderr);
		return EX_USAGE;
	}
	if ((c = conf_load(file, err)) == NULL ||
	    report_tz(c->timezone, err) == -1) {
		fprintf(stderr, "%s\n", err);
		rc = c == NULL ? conf_exit_status(file) : EX_CONFIG;
		conf_free(c);
		return rc;
	}
	/* as the timer's unit runs it: www_dir is the service user's too */
	if (out == NULL && priv_drop_to_owner(c->state_dir) == -1) {
		fprintf(stderr, "lakewatch: %s: cannot become its owner: %s\n",
		    c->state_dir, strerror(errno));
		conf_free(c);
		return 1;
	}
	d.c = c;
	d.dir = out ? out : c->www_dir;
	d.now = time(NULL);
	if (mkdirs(d.dir, 0755) == -1) {
		fprintf(stderr, "lakewatch: %s: %s\n", d.dir, strerror(errno));
		rc = 1;
	} else {
		load_status(&d);
		if (dash_write(&d, err) == -1) {
			fprintf(stderr, "lakewatch: %s\n", err);
			rc = 1;
		} else
			printf("%s/index.html: %zu sensors, %d graphs%s\n",
			    d.dir, c->nsensor, d.graphs, d.failed ?
			    " (some sensors have no RRD yet)" : "");
	}
	json_decref(d.status);
	conf_free(c);
	return rc;
}
