/* status.c: lakewatch status: what the running daemon reports */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "../lib/outbox.h"
#include "../lib/statusfile.h"
#include "../drivers/driver.h"
#include "../lib/conf.h"
#include "../lib/util.h"
#include "report.h"
#include "tool.h"

static double
num(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/*
 * Columns of S on a terminal: 长荡湖湖心 takes 10 (wide), °C 2, though
 * they are 15 and 3 bytes. Its length in bytes if it is not UTF-8.
 */
static int
display_width(const char *s)
{
	static int utf8;
	wchar_t w[512];
	size_t n;
	int width;

	if (!utf8)
		utf8 = setlocale(LC_CTYPE, "C.UTF-8") != NULL ? 1 : -1;
	if (utf8 < 0 || (n = mbstowcs(w, s, 512)) == (size_t)-1 || n == 512 ||
	    (width = wcswidth(w, n)) < 0)
		return (int)strlen(s);
	return width;
}

/* S and the spaces that fill it to COLS columns (at least one after). */
static void
pad(const char *s, int cols)
{
	int w = display_width(s);

	fputs(s, stdout);
	do
		putchar(' ');
	while (++w < cols + 1);
}

/* RFC 3339 UTC T as "2026-11-26 16:00:00" in the zone TZ is set to. */
static void
local_time(const char *t, char *buf, size_t len)
{
	const char *why;
	struct tm tm;
	time_t u;

	if (*t == '\0' || parse_rfc3339(t, &u, &why) == -1 ||
	    localtime_r(&u, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%s", t);
}

static void
print_buses(const json_t *buses)
{
	const json_t *b;
	size_t i;
	double exc;
	const char *k;
	json_t *v;

	printf("%-16s %-4s %-4s %9s %9s %8s %5s %5s %5s %6s %15s %6s\n",
	    "bus", "link", "up", "requests", "ok", "timeouts", "crc", "stray",
	    "exc", "reconn", "latency avg/max", "util");
	json_array_foreach(buses, i, b) {
		exc = 0;
		json_object_foreach(json_object_get(b, "exceptions"), k, v)
			exc += json_number_value(v);
		printf("%-16s %-4s %-4s %9.0f %9.0f %8.0f %5.0f %5.0f %5.0f "
		    "%6.0f "
		    "%6.1f/%6.1f ms %5.1f%%\n", str(b, "name"), str(b, "type"),
		    json_is_true(json_object_get(b, "connected")) ? "yes" :
		    "NO", num(b, "requests"), num(b, "ok"),
		    num(b, "timeouts"), num(b, "crc_errors"),
		    num(b, "stray_replies"), exc,
		    num(b, "reconnects"), num(b, "latency_avg_ms"),
		    num(b, "latency_max_ms"), num(b, "utilisation_pct"));
	}
}

/*
 * One row of the sensor table, padded by display width (TCOL: time;
 * RATES: today's capture / validity).
 */
static void
sensor_row(const char *name, const char *site, const char *val,
    const char *flag, const char *t, int tcol, const char *rates,
    const char *alert)
{
	pad(name, 16);
	pad(site, 24);
	pad(val, 16);
	pad(flag, 4);
	pad(t, tcol);
	pad(rates, 14);
	printf("%s\n", alert);
}

/*
 * "95.0/91.7%": today's capture and validity rates (数据获取率, 有效率)
 * of sensor S since local midnight; "n/a" when not defined (manual
 * sampling), "-" from a daemon that does not count them.
 */
static void
today_rates(const json_t *s, char *buf, size_t len)
{
	const json_t *t = json_object_get(s, "today");
	const json_t *c = json_object_get(t, "capture_rate");
	const json_t *v = json_object_get(t, "valid_rate");

	if (t == NULL)
		snprintf(buf, len, "-");
	else if (!json_is_number(c) || !json_is_number(v))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.1f/%.1f%%", json_number_value(c),
		    json_number_value(v));
}

/* The sensors, their times in the zone TZ is set to (named TZNAME). */
static void
print_sensors(const json_t *sensors, const char *zone)
{
	const json_t *s, *v;
	char val[96], t[64], head[96], rates[32];
	size_t i;
	int tcol;

	snprintf(head, sizeof(head), "time (%s)", zone);
	tcol = display_width(head) > 19 ? display_width(head) : 19;
	putchar('\n');
	sensor_row("sensor", "site", "value", "flag", head, tcol,
	    "today capt/val", "alert");
	json_array_foreach(sensors, i, s) {
		v = json_object_get(s, "value");
		if (json_is_number(v))
			snprintf(val, sizeof(val), "%g %s",
			    json_number_value(v), str(s, "unit"));
		else
			snprintf(val, sizeof(val), "-");
		local_time(str(s, "time"), t, sizeof(t));
		today_rates(s, rates, sizeof(rates));
		sensor_row(str(s, "name"), str(s, "site"), val,
		    str(s, "flag"), t, tcol, rates,
		    json_is_true(json_object_get(s, "alert_firing")) ?
		    "FIRING" : "ok");
	}
	json_array_foreach(sensors, i, s) {
		if (*str(s, "config_error") != '\0')
			printf("CONFIG ERROR: sensor '%s': %s\n", str(s, "name"),
			    str(s, "config_error"));
	}
}

static void
print_store(const json_t *st)
{
	if (st == NULL)
		return;
	printf("RRD store: %s, %s; %.0f values waiting to be written, %.0f "
	    "dropped\n", str(st, "backend"), json_is_true(json_object_get(st,
	    "up")) ? "up" : "DOWN", num(st, "pending"), num(st, "dropped"));
}

/* One line per [uplink]: the platform link and its spool. */
static void
print_uplinks(const json_t *uplinks)
{
	const json_t *u;
	size_t i;

	json_array_foreach(uplinks, i, u) {
		printf("uplink %s: %s, backlog %.0f, sent %.0f, acked %.0f, "
		    "dropped %.0f, last ack %s%s%s\n", str(u, "name"),
		    json_is_true(json_object_get(u, "connected")) ?
		    "connected" : "NOT connected", num(u, "backlog"),
		    num(u, "sent"), num(u, "acked"), num(u, "dropped"),
		    *str(u, "last_ack") ? str(u, "last_ack") : "never",
		    *str(u, "last_error") ? "; last error: " : "",
		    str(u, "last_error"));
	}
}

/* -j: the file as it is; 1 (and a word on stderr) when it is stale */
static int
print_raw(json_t *j, double age, int stale)
{
	json_dumpf(j, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	putchar('\n');
	json_decref(j);
	if (age <= stale)
		return 0;
	fprintf(stderr, "lakewatch: the status is %.0f s old: is lakewatchd "
	    "running?\n", age);
	return 1;
}

/* The outbox, the sample queue and the sample log's backlog. */
static void
print_queues(const json_t *j)
{
	const json_t *o = json_object_get(j, "outbox"),
	    *q = json_object_get(j, "queue"), *k = json_object_get(j, "core");

	printf("\noutbox: %.0f waiting, %.0f sent, %.0f retries, %.0f dead "
	    "letters; queue %.0f, dropped %.0f\n", num(o, "depth"),
	    num(o, "sent"), num(o, "retries"), num(o, "deadletter"),
	    num(q, "depth"), num(q, "dropped"));
	if (num(o, "unreadable") > 0)
		printf("WARNING: the outbox of %.0f webhooks could not be read "
		    "at start; what waits there is not sent (see the log)\n",
		    num(o, "unreadable"));
	printf("sample log: %.0f rows waiting to be written, %.0f lost\n",
	    num(k, "log_waiting"), num(k, "log_dropped"));
	if (num(k, "log_dropped") > 0)
		printf("WARNING: %.0f sample-log rows were lost (see "
		    "samples/<sensor>/<month>.lost)\n", num(k, "log_dropped"));
}

/* An outbox that nothing sends: its webhook left the config. */
static void
print_orphan(const char *name, size_t n, void *arg)
{
	(void)arg;
	printf("WARNING: outbox '%s': %zu event%s for a webhook no longer in "
	    "the config (lakewatch deadletter: retry --to WEBHOOK, or drop)\n",
	    name, n, n == 1 ? "" : "s");
}

void
tool_status_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch status [-j] -c FILE\n");
}

int
tool_status(int argc, char **argv)
{
	const char *file = NULL;
	char err[LW_ERRLEN], path[PATH_MAX], tz[128];
	json_error_t jerr;
	struct conf *c;
	json_t *j;
	double age;
	int stale;
	int ch, raw = 0;

	while ((ch = getopt(argc, argv, "c:j")) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 'j': raw = 1; break;
		default: tool_status_usage(stderr); return EX_USAGE;
		}
	}
	if (file == NULL) {
		tool_status_usage(stderr);
		return EX_USAGE;
	}
	if ((c = conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return conf_exit_status(file);
	}
	status_path(c, path, sizeof(path));
	stale = status_stale_after(c);
	/* times in the station's zone, as the reports show them */
	snprintf(tz, sizeof(tz), "%s", c->timezone ? c->timezone : "");
	if (!raw && report_tz(tz, err) == -1) {
		fprintf(stderr, "lakewatch: %s; times in UTC\n", err);
		tz[0] = '\0';
		(void)report_tz(NULL, err);
	}
	if ((j = status_load(path, &jerr)) == NULL) {
		fprintf(stderr, "lakewatch: %s: %s (is lakewatchd running?)\n",
		    path, jerr.text);
		conf_free(c);
		return 1;
	}
	age = wall_now() - num(j, "now");
	if (raw) {
		conf_free(c);
		return print_raw(j, age, stale);
	}
	printf("lakewatchd %s pid %.0f, up %.0f s, config %s\n",
	    str(j, "version"), num(j, "pid"), num(j, "now") -
	    num(j, "started"), str(j, "config"));
	print_buses(json_object_get(j, "buses"));
	print_sensors(json_object_get(j, "sensors"), tz[0] ? tz : "UTC");
	print_queues(j);
	/* unreadable (not run as the daemon's user or root): not shown */
	(void)outbox_orphans(c->state_dir, c, print_orphan, NULL);
	conf_free(c);
	print_store(json_object_get(j, "store"));
	print_uplinks(json_object_get(j, "uplinks"));
	json_decref(j);
	if (age > stale) {
		printf("WARNING: the status is %.0f s old: is lakewatchd "
		    "running?\n", age);
		return 1;
	}
	return 0;
}
