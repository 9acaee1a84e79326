/*
 * report_cmd.c: `lakewatch report`: the arguments, one sensor's report
 * or a site's assessment, the exit status.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "../lib/conf.h"
#include "../lib/log.h"
#include "report.h"
#include "report_out.h"
#include "tool.h"

enum rp_format { RP_TEXT, RP_JSON, RP_CSV };

struct rp_opts {
	const char	*file;
	const char	*sensor;
	const char	*site;
	int		 year;
	int		 through;	/* 0: the last month with data */
	enum rp_format	 format;
};

static void
print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	putchar('\n');
	json_decref(j);
}

static int
report_sensor(const struct conf *c, const struct rp_opts *o)
{
	struct rp_sensor r;
	char err[LW_ERRLEN];
	int idx = conf_sensor_find(c, o->sensor);

	if (idx == -1) {
		fprintf(stderr, "lakewatch: %s: no sensor '%s'\n", o->file,
		    o->sensor);
		return 1;
	}
	if (report_sensor_load(c, &c->sensors[idx], o->year, &r, err) == -1) {
		fprintf(stderr, "lakewatch: %s\n", err);
		return 1;
	}
	if (o->through == 0 && r.last == 0) {
		fprintf(stderr, "lakewatch: sensor '%s': no valid day in %d "
		    "(sample log under %s/samples/%s)\n", o->sensor, o->year,
		    c->state_dir, o->sensor);
		return 1;
	}
	report_sensor_sum(&r, o->through ? o->through : r.last);
	report_ytd(&r, r.cum.through, report_current_month(o->year,
	    time(NULL)));
	if (o->format == RP_JSON)
		print_json(report_json(c, &r));
	else if (o->format == RP_CSV)
		report_csv(&r, stdout);
	else
		report_text(c, &r, stdout);
	return 0;
}

static int
site_load(const struct conf *c, const struct rp_opts *o, struct rp_site *st)
{
	char err[LW_ERRLEN];
	size_t i;

	memset(st, 0, sizeof(*st));
	st->site = o->site;
	st->year = o->year;
	if ((st->r = calloc(c->nsensor + 1, sizeof(*st->r))) == NULL)
		fatal("report");
	for (i = 0; i < c->nsensor; i++) {
		if (strcmp(c->sensors[i].site, o->site) != 0)
			continue;
		if (report_sensor_load(c, &c->sensors[i], o->year,
		    &st->r[st->n], err) == -1) {
			fprintf(stderr, "lakewatch: %s\n", err);
			return -1;
		}
		if (st->r[st->n].last > st->through)
			st->through = st->r[st->n].last;
		st->n++;
	}
	if (o->through)
		st->through = o->through;
	return 0;
}

static int
report_site(const struct conf *c, const struct rp_opts *o)
{
	struct rp_site st;
	int rc = 0;

	if (site_load(c, o, &st) == -1)
		rc = 1;
	else if (st.n == 0) {
		fprintf(stderr, "lakewatch: %s: no sensor with site '%s'\n",
		    o->file, o->site);
		rc = 1;
	} else if (st.through == 0) {
		fprintf(stderr, "lakewatch: site '%s': no valid day in %d\n",
		    o->site, o->year);
		rc = 1;
	} else {
		report_site_judge(&st);
		if (o->format == RP_JSON)
			print_json(report_site_json(&st));
		else
			report_site_text(&st, stdout);
	}
	free(st.r);
	return rc;
}

void
tool_report_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch report -c FILE --sensor NAME | "
	    "--site SITE --year YYYY\n\t[--through YYYY-MM] "
	    "[--format text|json|csv] [--no-cache]\n");
}

static int
usage_report(void)
{
	tool_report_usage(stderr);
	return EX_USAGE;
}

/* "2026-05" of YEAR into *MONTH; 0 or -1. */
static int
parse_through(const char *s, int year, int *month)
{
	int y, m, n = 0;

	if (sscanf(s, "%4d-%2d%n", &y, &m, &n) != 2 || s[n] != '\0' ||
	    y != year || m < 1 || m > 12)
		return -1;
	*month = m;
	return 0;
}

static int
parse_format(const char *s, enum rp_format *f)
{
	if (strcmp(s, "text") == 0)
		*f = RP_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = RP_JSON;
	else if (strcmp(s, "csv") == 0)
		*f = RP_CSV;
	else
		return -1;
	return 0;
}

static int
report_args(int argc, char **argv, struct rp_opts *o)
{
	static const struct option lo[] = {
		{ "sensor", required_argument, NULL, 's' },
		{ "site", required_argument, NULL, 'S' },
		{ "year", required_argument, NULL, 'y' },
		{ "through", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	const char *through = NULL;
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "c:s:S:y:t:f:", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': o->file = optarg; break;
		case 's': o->sensor = optarg; break;
		case 'S': o->site = optarg; break;
		case 'y': o->year = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->year < 1971 || o->year > 9999)
				return -1;
			break;
		case 't': through = optarg; break;
		case 'N': report_cache(0); break;
		case 'f': if (parse_format(optarg, &o->format) == -1)
				return -1;
			break;
		default: return -1;
		}
	}
	if (optind != argc || o->file == NULL || o->year == 0 ||
	    (o->sensor == NULL) == (o->site == NULL) ||
	    (through && parse_through(through, o->year, &o->through) == -1))
		return -1;
	return 0;
}

int
tool_report(int argc, char **argv)
{
	struct rp_opts o;
	char err[LW_ERRLEN];
	struct conf *c;
	int rc;

	if (report_args(argc, argv, &o) == -1)
		return usage_report();
	if (o.site && o.format == RP_CSV) {
		fprintf(stderr, "lakewatch: --site: text or json only\n");
		return EX_USAGE;
	}
	if ((c = conf_load(o.file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return conf_exit_status(o.file);
	}
	if (report_tz(c->timezone, err) == -1) {
		fprintf(stderr, "lakewatch: %s: %s\n", o.file, err);
		conf_free(c);
		return EX_CONFIG;
	}
	rc = o.site ? report_site(c, &o) : report_sensor(c, &o);
	conf_free(c);
	return rc;
}
