/* status.c: lakewatch status: what the running daemon reports */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "../lib/statusfile.h"
#include "../drivers/driver.h"
#include "../lib/conf.h"
#include "../lib/util.h"
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

static void
print_sensors(const json_t *sensors)
{
	const json_t *s, *v;
	char val[48];
	size_t i;

	printf("\n%-16s %-24s %-16s %-4s %-20s %s\n", "sensor", "site",
	    "value", "flag", "time (UTC)", "alert");
	json_array_foreach(sensors, i, s) {
		v = json_object_get(s, "value");
		if (json_is_number(v))
			snprintf(val, sizeof(val), "%g %s",
			    json_number_value(v), str(s, "unit"));
		else
			snprintf(val, sizeof(val), "-");
		printf("%-16s %-24s %-16s %-4s %-20s %s\n", str(s, "name"),
		    str(s, "site"), val, str(s, "flag"), str(s, "time"),
		    json_is_true(json_object_get(s, "alert_firing")) ?
		    "FIRING" : "ok");
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

	json_array_foreach(uplinks, i, u)
		printf("uplink %s: %s, backlog %.0f, sent %.0f, acked %.0f, "
		    "dropped %.0f, last ack %s%s%s\n", str(u, "name"),
		    json_is_true(json_object_get(u, "connected")) ?
		    "connected" : "NOT connected", num(u, "backlog"),
		    num(u, "sent"), num(u, "acked"), num(u, "dropped"),
		    *str(u, "last_ack") ? str(u, "last_ack") : "never",
		    *str(u, "last_error") ? "; last error: " : "",
		    str(u, "last_error"));
}

int
tool_status(int argc, char **argv)
{
	const char *file = NULL;
	char err[LW_ERRLEN], path[PATH_MAX];
	json_error_t jerr;
	struct conf *c;
	json_t *j, *o, *q, *k;
	double age;
	int stale;
	int ch, raw = 0;

	while ((ch = getopt(argc, argv, "c:j")) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 'j': raw = 1; break;
		default: return 2;
		}
	}
	if (file == NULL) {
		fprintf(stderr, "usage: lakewatch status [-j] -c FILE\n");
		return 2;
	}
	if ((c = conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return EX_CONFIG;
	}
	status_path(c, path, sizeof(path));
	stale = status_stale_after(c);
	conf_free(c);
	if ((j = json_load_file(path, 0, &jerr)) == NULL) {
		fprintf(stderr, "lakewatch: %s: %s (is lakewatchd running?)\n",
		    path, jerr.text);
		return 1;
	}
	if (raw) {
		json_dumpf(j, stdout, JSON_INDENT(1) |
		    JSON_REAL_PRECISION(10));
		putchar('\n');
		json_decref(j);
		return 0;
	}
	age = wall_now() - num(j, "now");
	printf("lakewatchd %s pid %.0f, up %.0f s, config %s\n",
	    str(j, "version"), num(j, "pid"), num(j, "now") -
	    num(j, "started"), str(j, "config"));
	print_buses(json_object_get(j, "buses"));
	print_sensors(json_object_get(j, "sensors"));
	o = json_object_get(j, "outbox");
	q = json_object_get(j, "queue");
	printf("\noutbox: %.0f waiting, %.0f sent, %.0f retries, %.0f dead "
	    "letters; queue %.0f, dropped %.0f\n", num(o, "depth"),
	    num(o, "sent"), num(o, "retries"), num(o, "deadletter"),
	    num(q, "depth"), num(q, "dropped"));
	if (num(o, "unreadable") > 0)
		printf("WARNING: the outbox of %.0f webhooks could not be read "
		    "at start; what waits there is not sent (see the log)\n",
		    num(o, "unreadable"));
	k = json_object_get(j, "core");
	printf("sample log: %.0f rows waiting to be written, %.0f lost\n",
	    num(k, "log_waiting"), num(k, "log_dropped"));
	if (num(k, "log_dropped") > 0)
		printf("WARNING: %.0f sample-log rows were lost (see "
		    "samples/<sensor>/<month>.lost)\n", num(k, "log_dropped"));
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
