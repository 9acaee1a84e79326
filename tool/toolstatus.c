/* toolstatus.c: `lakewatch status` and `lakewatch drivers` */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/statusfile.h"
#include "../drivers/driver.h"
#include "../lib/conf.h"
#include "../lib/util.h"
#include "tool.h"

#define EX_CONFIG	78
#define MAINT_MAX	(366 * 86400.0)	/* longest -f; "on" alone has none */

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
	json_decref(j);
	if (age > stale) {
		printf("WARNING: the status is %.0f s old: is lakewatchd "
		    "running?\n", age);
		return 1;
	}
	return 0;
}

int
tool_drivers(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; drivers[i] != NULL; i++)
		printf("%-14s %s\n", drivers[i]->name, drivers[i]->desc);
	return 0;
}

static int
maint_list(const struct conf *c)
{
	char path[PATH_MAX], when[32];
	long long until;
	size_t i;
	int any = 0;

	for (i = 0; i < c->nsensor; i++) {
		snprintf(path, sizeof(path), "%s/maintenance/%s", c->state_dir,
		    c->sensors[i].name);
		if (read_ll(path, &until) == -1 ||
		    (until != 0 && until <= (long long)wall_now()))
			continue;
		fmt_rfc3339((time_t)until, when, sizeof(when));
		printf("%-16s in maintenance %s%s\n", c->sensors[i].name,
		    until ? "until " : "until switched off", until ? when : "");
		any = 1;
	}
	if (!any)
		printf("no sensor in maintenance\n");
	return 0;
}

/* Switch SENSOR's maintenance on (for SECS, or 0: until off) or off. */
static int
maint_set(const struct conf *c, const char *sensor, int on, double secs,
    const char *dur)
{
	char path[PATH_MAX], buf[32];
	int dfd, rc;

	snprintf(path, sizeof(path), "%s/maintenance/%s", c->state_dir,
	    sensor);
	snprintf(buf, sizeof(buf), "%lld\n", secs > 0 ?
	    (long long)(wall_now() + secs) : 0LL);
	/* no link under state_dir is followed, and the .tmp is made anew */
	if ((dfd = dir_open_below(c->state_dir, "maintenance", 1,
	    0755)) == -1)
		rc = -1;
	else {
		rc = on ? write_replace_at(dfd, sensor, buf, strlen(buf),
		    0644, 1) : unlinkat(dfd, sensor, 0) == -1 &&
		    errno != ENOENT ? -1 : 0;
		close(dfd);
	}
	if (rc == -1) {
		fprintf(stderr, "lakewatch: %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("%s: maintenance %s%s%s\n", sensor, on ? "on" : "off",
	    dur ? " for " : "", dur ? dur : "");
	return 0;
}

/*
 * lakewatch maintenance -c FILE [SENSOR on|off [-f DURATION]]: the
 * daemon reads <state_dir>/maintenance/<sensor> every second: readings
 * are flagged M (kept, stored as UNKNOWN) and alerts are suppressed.
 */
int
tool_maintenance(int argc, char **argv)
{
	const char *file = NULL, *dur = NULL;
	char err[LW_ERRLEN];
	struct conf *c;
	double secs = 0;
	int ch, rc;

	while ((ch = getopt(argc, argv, "c:f:")) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 'f': dur = optarg; break;
		default: return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (file == NULL || (argc != 0 && argc != 2) || (argc == 2 &&
	    strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0)) {
		fprintf(stderr, "usage: lakewatch maintenance -c FILE "
		    "[SENSOR on|off [-f DURATION]]\n");
		return 2;
	}
	/* "until" is whole seconds in a long long: 1e300 would overflow */
	if (dur != NULL && (conf_duration(dur, &secs) == -1 || secs < 1 ||
	    secs > MAINT_MAX)) {
		fprintf(stderr, "lakewatch: maintenance: -f %s: a duration "
		    "from 1s to %.0f days (suffix s, m or h); leave -f out for "
		    "\"until switched off\"\n", dur, MAINT_MAX / 86400);
		return 2;
	}
	if ((c = conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return EX_CONFIG;
	}
	if (priv_drop_to_owner(c->state_dir) == -1) {
		fprintf(stderr, "lakewatch: %s: cannot become its owner: %s\n",
		    c->state_dir, strerror(errno));
		conf_free(c);
		return 1;
	}
	if (argc == 0) {
		rc = maint_list(c);
		conf_free(c);
		return rc;
	}
	if (conf_sensor_find(c, argv[0]) == -1) {
		fprintf(stderr, "lakewatch: %s: no sensor '%s'\n", file,
		    argv[0]);
		conf_free(c);
		return 1;
	}
	rc = maint_set(c, argv[0], strcmp(argv[1], "on") == 0, secs, dur);
	conf_free(c);
	return rc;
}
