/* maintenance.c: lakewatch maintenance: readings flagged M, alerts held */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/util.h"
#include "tool.h"

#define MAINT_MAX	(366 * 86400.0)	/* longest -f; "on" alone has none */

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

void
tool_maintenance_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch maintenance -c FILE "
	    "[SENSOR on|off [-f DURATION]]\n");
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
		default: tool_maintenance_usage(stderr); return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (file == NULL || (argc != 0 && argc != 2) || (argc == 2 &&
	    strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0)) {
		tool_maintenance_usage(stderr);
		return EX_USAGE;
	}
	/* "until" is whole seconds in a long long: 1e300 would overflow */
	if (dur != NULL && (conf_duration(dur, &secs) == -1 || secs < 1 ||
	    secs > MAINT_MAX)) {
		fprintf(stderr, "lakewatch: maintenance: -f %s: a duration "
		    "from 1s to %.0f days (suffix s, m or h); leave -f out for "
		    "\"until switched off\"\n", dur, MAINT_MAX / 86400);
		return EX_USAGE;
	}
	if ((c = conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return conf_exit_status(file);
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
