/*
 * report_cmd.c: `lakewatch report`: the arguments, one sensor's report
 * or a site's assessment (a station report of a day, a month or the
 * period: report_station.h), the exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/log.h"
#include "../lib/util.h"
#include "report.h"
#include "report_out.h"
#include "report_station.h"
#include "tool.h"

enum rp_format { RP_TEXT, RP_JSON, RP_CSV, RP_XLSX };

struct rp_opts {
	const char	*file;
	const char	*sensor;
	const char	*site;
	int		 year;
	int		 through;	/* 0: the last month with data */
	enum rp_format	 format;
	enum rp_span	 span;		/* --day, --month, else the period */
	int		 month, mday;	/* of --day, --month */
	int		 daily;		/* --daily */
	const char	*out;		/* -o FILE */
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

/* The days of the site's year, for a day report and --daily. */
static int
site_years(const struct conf *c, const struct rp_site *st,
    struct rp_year **out)
{
	char err[LW_ERRLEN];
	struct rp_year *y;
	size_t i;

	if ((y = calloc(st->n + 1, sizeof(*y))) == NULL)
		fatal("report");
	for (i = 0; i < st->n; i++)
		if (report_load(c, st->r[i].s->name, st->year, &y[i],
		    err) == -1) {
			fprintf(stderr, "lakewatch: %s\n", err);
			free(y);
			return -1;
		}
	*out = y;
	return 0;
}

/* Copy file PATH to standard output (an XLSX into a pipe). */
static int
copy_out(const char *path)
{
	char buf[8192];
	FILE *fp;
	size_t n;
	int rc = 0;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			rc = -1;
	if (ferror(fp) || fflush(stdout) == EOF)
		rc = -1;
	fclose(fp);
	return rc;
}

/* The workbook at -o FILE, or through a file of our own into a pipe. */
static int
station_xlsx(const struct rp_station *sr, const struct rp_opts *o)
{
	char err[LW_ERRLEN], tmp[4096];
	const char *dir = getenv("TMPDIR");
	int fd, rc;

	if (o->out) {
		if (report_station_xlsx(sr, o->out, err) == -1) {
			fprintf(stderr, "lakewatch: %s\n", err);
			return EX_CANTCREAT;
		}
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s/lakewatch-report.XXXXXX",
	    dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(tmp)) == -1) {
		fprintf(stderr, "lakewatch: %s: %s\n", tmp, strerror(errno));
		return EX_CANTCREAT;
	}
	close(fd);
	if ((rc = report_station_xlsx(sr, tmp, err)) == -1)
		fprintf(stderr, "lakewatch: %s\n", err);
	else if ((rc = copy_out(tmp)) == -1)
		fprintf(stderr, "lakewatch: stdout: %s\n", strerror(errno));
	unlink(tmp);
	return rc == -1 ? EX_IOERR : 0;
}

static int
station_print(const struct rp_station *sr, const struct rp_opts *o)
{
	char zh[160], en[160];
	json_t *j;

	if (o->format == RP_XLSX)
		return station_xlsx(sr, o);
	if (o->format == RP_CSV)
		report_station_csv(sr, stdout);
	else if (o->format == RP_JSON && o->span == RP_SPAN_PERIOD) {
		/* the period's JSON is report_site_json's (the contract) */
		j = report_site_json(sr->st);
		report_station_json_tail(sr, j);
		print_json(j);
	} else if (o->format == RP_JSON)
		print_json(report_station_json(sr));
	else {
		if (o->span == RP_SPAN_PERIOD) {
			report_site_text(sr->st, stdout);
			/* its sentence names TN only when there is a class */
			report_station_tn(sr, zh, en, sizeof(zh));
			if (en[0] && sr->st->tn == 0)
				printf("%s\n", en);
		} else
			report_station_text(sr, stdout);
		if (sr->daily)
			report_station_daily_text(sr, stdout);
	}
	return 0;
}

/* Judged site ST as a station report of the day, month or period. */
static int
report_station(const struct conf *c, const struct rp_opts *o,
    const struct rp_site *st)
{
	struct rp_station sr = { c, st, o->span, o->year, o->month, o->mday,
	    NULL, NULL, o->daily };
	struct rp_sensor *buf;
	struct rp_site span;
	int rc;

	if ((o->span == RP_SPAN_DAY || o->daily) &&
	    site_years(c, st, &sr.y) == -1)
		return 1;
	if ((buf = calloc(st->n + 1, sizeof(*buf))) == NULL ||
	    (sr.rate = calloc(st->n + 1, sizeof(*sr.rate))) == NULL)
		fatal("report");
	span = *st;
	if (o->span == RP_SPAN_DAY)
		report_site_day(st, sr.y, o->month, o->mday, &span, buf,
		    sr.rate);
	else if (o->span == RP_SPAN_MONTH)
		report_site_month(st, o->month, &span, buf);
	if (o->span != RP_SPAN_DAY)
		report_site_rates(&span, sr.rate);
	sr.st = &span;
	rc = station_print(&sr, o);
	free(sr.rate);
	free(sr.y);
	free(buf);
	return rc;
}

/* 1 if day MDAY of MONTH of YEAR has not begun (local time). */
static int
day_ahead(int year, int month, int mday)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1,
	    .tm_mday = mday, .tm_isdst = -1 };

	return mktime(&tm) > time(NULL);
}

/* Each sensor's year-to-date risk through the site's month. */
static void
site_ytd(struct rp_site *st)
{
	int now = report_current_month(st->year, time(NULL));
	size_t i;

	for (i = 0; i < st->n; i++)
		report_ytd(&st->r[i], st->through, now);
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
	} else if (o->span == RP_SPAN_DAY &&
	    day_ahead(o->year, o->month, o->mday)) {
		fprintf(stderr, "lakewatch: %d-%02d-%02d has not begun\n",
		    o->year, o->month, o->mday);
		rc = 1;
	} else {
		report_site_judge(&st);
		site_ytd(&st);
		rc = report_station(c, o, &st);
	}
	free(st.r);
	return rc;
}

void
tool_report_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch report -c FILE --sensor NAME --year "
	    "YYYY [--through YYYY-MM]\n\t[--format text|json|csv] "
	    "[-o FILE] [--no-cache]\n       lakewatch report -c FILE --site SITE "
	    "--year YYYY [--through YYYY-MM] |\n\t--month YYYY-MM | --day "
	    "YYYY-MM-DD [--daily]\n\t[--format text|json|csv|xlsx] "
	    "[-o FILE] [--no-cache]\n");
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
	else if (strcmp(s, "xlsx") == 0)
		*f = RP_XLSX;
	else
		return -1;
	return 0;
}

/* --day YYYY-MM-DD, --month YYYY-MM (MDAY NULL) into *O; 0 or -1. */
static int
parse_span(const char *s, struct rp_opts *o, int day)
{
	int y, m, d = 1, n = 0, k;

	k = day ? sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) :
	    sscanf(s, "%4d-%2d%n", &y, &m, &n);
	if (k != 2 + day || s[n] != '\0' || y < 1971 || y > 9999 ||
	    m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) ||
	    o->span != RP_SPAN_PERIOD)
		return -1;
	o->span = day ? RP_SPAN_DAY : RP_SPAN_MONTH;
	o->year = y;
	o->month = o->through = m;
	o->mday = d;
	return 0;
}

/* What the options leave unsaid or say twice; 0 or -1. */
static int
args_check(const struct rp_opts *o, const char *through)
{
	if (o->file == NULL || o->year == 0 ||
	    (o->sensor == NULL) == (o->site == NULL))
		return -1;
	if (o->span != RP_SPAN_PERIOD && through)
		return -1;
	/* a day, a month, --daily and the workbook are a site's report */
	if (o->sensor && (o->span != RP_SPAN_PERIOD || o->daily ||
	    o->format == RP_XLSX))
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
		{ "day", required_argument, NULL, 'D' },
		{ "month", required_argument, NULL, 'M' },
		{ "daily", no_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	const char *through = NULL;
	char *end;
	int ch, y = 0;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "c:s:S:y:t:f:o:", lo,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': o->file = optarg; break;
		case 's': o->sensor = optarg; break;
		case 'S': o->site = optarg; break;
		case 'y': y = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || y < 1971 || y > 9999)
				return -1;
			break;
		case 'D':
		case 'M': if (parse_span(optarg, o, ch == 'D') == -1)
				return -1;
			break;
		case 'd': o->daily = 1; break;
		case 'o': o->out = optarg; break;
		case 't': through = optarg; break;
		case 'N': report_cache(0); break;
		case 'f': if (parse_format(optarg, &o->format) == -1)
				return -1;
			break;
		default: return -1;
		}
	}
	/* --year with --day or --month: the same year */
	if (y && o->span != RP_SPAN_PERIOD && y != o->year)
		return -1;
	if (y)
		o->year = y;
	if (optind != argc || args_check(o, through) == -1 ||
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
	/* never a workbook's bytes on a terminal */
	if (o.format == RP_XLSX && o.out == NULL && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "lakewatch: --format xlsx: name the file with "
		    "-o FILE (or redirect standard output)\n");
		return EX_USAGE;
	}
	if (o.out && o.format != RP_XLSX &&
	    freopen(o.out, "w", stdout) == NULL) {
		fprintf(stderr, "lakewatch: %s: %s\n", o.out, strerror(errno));
		return EX_CANTCREAT;
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
